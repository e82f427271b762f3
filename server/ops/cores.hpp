#pragma once

namespace plenary::ops {

// The CPUs this process may run on (its affinity mask: a container's cpuset
// or `taskset`), at least 1; the machine's count when the mask cannot be read.
// Thread pools are sized from it, so a server pinned to two of a host's 64
// cores runs two I/O threads, not 64.
unsigned usable_cores();

}  // namespace plenary::ops
