#pragma once
/// \file train.hpp
/// Training: datasets and their readers (IDX, CSV), the step, the loop,
/// metrics and progress. Only includes (fit with checkpoints, which needs io/,
/// is train/checkpoint.hpp, in ctnn.hpp).
#include "layers/checks.hpp"  // first: the ctnn: errors of a network come from here (shortest include chain)
#include "train/dataset.hpp"
#include "train/idx.hpp"
#include "train/csv.hpp"
#include "train/step.hpp"
#include "train/metrics.hpp"
#include "train/progress.hpp"
#include "train/fit.hpp"
