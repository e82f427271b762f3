#pragma once

namespace plenary::app {

// `plenary` command line: parses options (and PLENARY_* environment
// variables), runs the chosen subcommand and returns the exit code.
int run_cli(int argc, char** argv);

}  // namespace plenary::app
