#pragma once
/// \file bench.hpp
/// The benchmark kit: `ctnn::bench::register_network<Net>("name", options)`
/// registers checked Google Benchmark cases for any network type, with
/// counters against this machine's measured limits (register.hpp). The kit
/// is layered so that its arithmetic can be tested without timing:
///
/// | header | what | needs Google Benchmark |
/// |---|---|---|
/// | `bench/costs.hpp` | flops and bytes of each case, from the type | no |
/// | `bench/roofline.hpp` | intensity, memory level, bound | no |
/// | `bench/check.hpp` | the reference pass (the network in double) | no |
/// | `bench/machine.hpp` | FMA peak and copy bandwidths measured once; CPU, FTZ, compiler, load | no |
/// | `bench/allocations.hpp` | the allocation-count hook (`count_allocations.hpp` installs one) | no |
/// | `bench/register.hpp` | the cases, counters, context, `run(argc, argv)` | yes (optional dependency: without `<benchmark/benchmark.h>` it declares nothing) |
///
/// `ctnn-bench model.safetensors --net 'Sequential<...>'` (tools/) does the
/// same from the command line.

#include "bench/allocations.hpp"
#include "bench/check.hpp"
#include "bench/costs.hpp"
#include "bench/machine.hpp"
#include "bench/register.hpp"
#include "bench/roofline.hpp"
