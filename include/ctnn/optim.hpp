#pragma once
/// \file optim.hpp
/// Every optimizer, gradient clipping and the learning-rate schedules.

#include "layers/checks.hpp"  // first: the ctnn: errors of a network come from here (shortest include chain)
#include "optim/adagrad.hpp"
#include "optim/adam.hpp"
#include "optim/clip.hpp"
#include "optim/optimizer.hpp"
#include "optim/rmsprop.hpp"
#include "optim/schedule.hpp"
#include "optim/sgd.hpp"
