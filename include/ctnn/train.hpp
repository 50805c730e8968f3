#pragma once
/// \file train.hpp
/// Training: datasets and their readers (IDX, CSV). Only includes.
#include "train/dataset.hpp"
#include "train/idx.hpp"
#include "train/csv.hpp"
