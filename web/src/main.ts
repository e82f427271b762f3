// The entry point: styles, then the app into <body>.
import './style.css';
import { render } from 'preact';
import { html } from './html';
import { App } from './app';

render(html`<${App} />`, document.getElementById('app')!);
