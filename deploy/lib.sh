# Shared by deploy/run and deploy/test: install what is missing, build.
# Sourced, not executed. Safe to run again: installs nothing that is present,
# rebuilds only what changed.

PLENARY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian 12 packages needed to build and run Plenary.
PLENARY_BUILD_PACKAGES=(
  g++ cmake ninja-build ccache pkg-config
  libboost1.81-dev libsqlite3-dev nlohmann-json3-dev libsodium-dev libcli11-dev
  libhowardhinnant-date-dev libutf8proc-dev zlib1g-dev tzdata liburing-dev
  # Badges: QR codes and SVG -> PNG. The fonts are needed at run time, by the server's
  # PNG badges: Noto covers Latin (Vietnamese), Cyrillic, Thai, Lao, Khmer, Myanmar
  # (42 MB); Noto CJK covers Chinese, Japanese, Korean (91 MB).
  libqrencode-dev librsvg2-dev fontconfig fonts-noto-core fonts-noto-cjk
  # The video relay: GStreamer 1.22 and its plugins (srtsrc, tsdemux, mpegtsmux,
  # h264parse, splitmuxsink; AAC through libav); x264enc (ugly) and the clock
  # overlay (x, via Pango) for the demo's synthetic venue encoder.
  libgstreamer1.0-dev gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-x
)
# The web app is built with Node.js and npm: Debian's (Node 18 on Debian 12)
# only where no node is on the PATH, so a newer one already there is kept.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PLENARY_BUILD_PACKAGES+=(nodejs npm)
fi
# Added for the test suite.
PLENARY_TEST_PACKAGES=(doctest-dev)
# The web app's browser tests drive Debian's Chromium (playwright-core, never a downloaded browser).
PLENARY_TEST_PACKAGES+=(chromium)
# zbarimg: the badge tests decode the QR code in the PNG as the desk's scanner would.
PLENARY_TEST_PACKAGES+=(zbar-tools)
# The relay's tests decode segments (appsink) and read their tags (discoverer).
PLENARY_TEST_PACKAGES+=(libgstreamer-plugins-base1.0-dev)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    log "need root to run: $*"
    return 1
  fi
}

# ensure_packages PKG...: apt-get installs the packages that are not installed.
ensure_packages() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# build_tree DIR [CMAKE_ARGS...]: configures (first time or when arguments
# change) and builds with Ninja; ccache is picked up by CMakeLists.txt.
build_tree() {
  local dir="$1"; shift
  local wanted="$*"
  if [ ! -f "$dir/CMakeCache.txt" ] || [ "$(cat "$dir/.plenary-args" 2>/dev/null)" != "$wanted" ]; then
    log "configuring $dir"
    cmake -S "$PLENARY_ROOT" -B "$dir" -G Ninja "$@" >/dev/null
    printf '%s' "$wanted" >"$dir/.plenary-args"
  fi
  log "building $dir"
  cmake --build "$dir" --parallel "$(nproc)"
}
