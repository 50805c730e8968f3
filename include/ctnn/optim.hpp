#pragma once
/// \file optim.hpp
/// Every optimizer, gradient clipping and the learning-rate schedules.

#include "optim/adagrad.hpp"
#include "optim/adam.hpp"
#include "optim/clip.hpp"
#include "optim/optimizer.hpp"
#include "optim/rmsprop.hpp"
#include "optim/schedule.hpp"
#include "optim/sgd.hpp"
