#include "app/cli.hpp"

int main(int argc, char** argv) {
  return plenary::app::run_cli(argc, argv);
}
