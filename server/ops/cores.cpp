#include "ops/cores.hpp"

#include <sched.h>

#include <algorithm>
#include <thread>

namespace plenary::ops {

unsigned usable_cores() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof mask, &mask) == 0) {
    if (const int count = CPU_COUNT(&mask); count > 0) return static_cast<unsigned>(count);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace plenary::ops
