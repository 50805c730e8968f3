#pragma once
/// \file checkpoint.hpp
/// `fit` with checkpoints it writes itself: the network, the optimizer and
/// the run state (io/checkpoint.hpp's format) after every epoch and every
/// N batches, atomically, and a run that resumes from the file, mid-epoch
/// too, to bitwise the weights of training straight through.
///
/// ```cpp
/// train::fit<SoftmaxCrossEntropy, 64>(*net, *adam, data, &val, {.epochs = 20, .seed = 1},
///                                     {.path = "run.ckpt", .every = 200, .resume = true});
/// ```
/// A header of its own so that `fit` alone does not instantiate the file
/// formats (saving and loading a checkpoint cost a translation unit ~5 s).

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

#include <unistd.h>

#include "../io/checkpoint.hpp"
#include "fit.hpp"

namespace ctnn::train {

/// Where and how often `fit` saves checkpoints.
struct checkpoint_options {
    /// The checkpoint file, replaced atomically at each save.
    std::string path;
    /// Also save every this many batches, mid-epoch; 0: after epochs only.
    std::size_t every = 0;
    /// Start from `path` when it exists (a fresh run when it does not).
    bool resume = false;
};

/// `fit` (train/fit.hpp) that saves checkpoints to `c.path` after every
/// epoch and every `c.every` batches; with `c.resume`, the network, the
/// optimizer and the run state (into `*state` too, when given) come from
/// `c.path` first when it exists. Loading is all or nothing: a bad file
/// throws `ctnn::error` naming it and leaves `net`, `opt` and `*state` as
/// they were. Each save allocates the file's header and writes the
/// parameters, the optimizer state and the best weights.
template <class Loss, std::size_t B, Network Net, class Opt, class Ds>
history fit(Net& net, Opt& opt, const Ds& train_set, std::type_identity_t<const Ds*> validation, const fit_options& o,
            const checkpoint_options& c, run_state<typename Net::value_type>* state = nullptr) {
    using T = typename Net::value_type;
    if (c.path.empty()) throw error("fit: the checkpoint path is empty");
    run_state<T> own;
    run_state<T>& st = state ? *state : own;
    if (c.resume && ::access(c.path.c_str(), F_OK) == 0) {
        // staged: a checkpoint or run state that fails to load changes nothing
        auto net2 = std::make_unique<Net>(net);
        auto opt2 = std::make_unique<Opt>(opt);
        run_state<T> loaded;
        loaded.from_map(io::load_checkpoint(*net2, *opt2, c.path, &loaded.best));
        net = *net2;
        opt = *opt2;
        st = std::move(loaded);
    }
    return detail::fit_loop<Loss, B>(net, opt, train_set, validation, o, &st, c.every, [&](const run_state<T>& s) {
        io::save_checkpoint(net, opt, c.path, s.to_map(), std::span<const T>(s.best));
    });
}

}  // namespace ctnn::train
