#pragma once
/// \file error.hpp
/// The runtime error type: bad files and bad data (never misuse the types can
/// see, which is a compile error).

#include <stdexcept>
#include <string>

namespace ctnn {

/// Base of every exception ctnn throws. The message names the file, the
/// tensor and what was expected, e.g.
/// `ctnn: model.safetensors: tensor '0.weight' has shape [10, 784], expected [128, 784]`.
class error : public std::runtime_error {
public:
    explicit error(const std::string& what) : std::runtime_error("ctnn: " + what) {}
};

}  // namespace ctnn
