#pragma once
/// \file net.hpp
/// Networks as types: `Sequential`, its composition checks, initialisers.
#include "layers.hpp"
#include "net/compose.hpp"
#include "net/init.hpp"
#include "net/sequential.hpp"
