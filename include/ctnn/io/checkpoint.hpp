#pragma once
/// \file checkpoint.hpp
/// Checkpoints: a network's parameters, its optimizer's state and step
/// count, and the caller's run state (`train::run_state::to_map()`: epoch,
/// shuffling and dropout streams, early stopping) in one safetensors file.
///
/// - Saving is atomic (a temporary file, flushed, fsync'd, renamed over the
///   old one, the directory fsync'd): a crash mid-save leaves the previous
///   checkpoint intact.
/// - The file records a fingerprint of the network and optimizer types and
///   a CRC-32 of its data; loading refuses a checkpoint made for another
///   type, and a corrupted one, with a `ctnn::error` naming the file.
/// - Loading is all or nothing: everything is read into staging buffers and
///   checked before the network and optimizer are touched.
///
/// Layout: parameters under PyTorch's names (`0.weight`, ...: a checkpoint
/// is also a weights file for `load_safetensors` with `allow_unexpected`),
/// optimizer state `k` under `optimizer.<state name>.<parameter>`, the best
/// weights of early stopping under `best.<parameter>`; metadata `ctnn.*`
/// (format, type, fingerprint, optimizer steps, CRC) and the run state.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include <zlib.h>

#if defined(__GNUG__)
#include <cxxabi.h>
#endif

#include "../core/error.hpp"
#include "file.hpp"
#include "safetensors.hpp"

namespace ctnn::io {

namespace detail {
inline std::string demangle(const char* name) {
#if defined(__GNUG__)
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> s(abi::__cxa_demangle(name, nullptr, nullptr, &status), std::free);
    if (status == 0 && s) return s.get();
#endif
    return name;
}

/// FNV-1a, 64 bits, as 16 hex digits.
inline std::string fnv1a_hex(std::string_view s) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

/// CRC-32 (zlib's) of `bytes`, continuing from `crc` (the CRC of what came before).
inline std::uint32_t crc32_of(std::span<const std::uint8_t> bytes, std::uint32_t crc = 0) {
    uLong c = crc;
    std::size_t done = 0;
    while (done < bytes.size()) {  // zlib takes uInt lengths
        const std::size_t n = std::min<std::size_t>(bytes.size() - done, 1u << 30);
        c = ::crc32(c, bytes.data() + done, static_cast<uInt>(n));
        done += n;
    }
    return static_cast<std::uint32_t>(c);
}

inline std::string hex32(std::uint32_t v) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", v);
    return buf;
}

/// Calls `f(name, offset, info)` for every parameter tensor, `offset` into
/// the flat parameter buffer.
template <class Net, class F>
void for_each_slot(const Net& net, F&& f) {
    using T = typename Net::value_type;
    net.for_each_param([&](const std::string& name, const auto& info, const T* data) {
        f(name, static_cast<std::size_t>(data - net.params()), info);
    });
}
}  // namespace detail

/// The readable name of the types a checkpoint is for.
template <class Net, class Opt>
std::string checkpoint_type() {
    return detail::demangle(typeid(Net).name()) + " trained by " + detail::demangle(typeid(Opt).name());
}

/// Saves `net`, `opt` and `state` (text, e.g. `run_state::to_map()`) to
/// `path` atomically; with `best`, also the best weights (the network's
/// flat layout, `Net::param_storage` values).
template <Network Net, class Opt>
    requires(!std::is_convertible_v<const Net&, std::string>)
void save_checkpoint(const Net& net, const Opt& opt, const std::string& path,
                     const std::map<std::string, std::string>& state = {},
                     std::span<const typename Net::value_type> best = {}) {
    using T = typename Net::value_type;
    static_assert(Opt::size == Net::param_storage, "ctnn: the optimizer must be the network's (optim::X<Net>)");
    if (!best.empty() && best.size() != Net::param_storage)
        throw error(path + ": the best weights have " + std::to_string(best.size()) + " values, expected " +
                    std::to_string(Net::param_storage));
    std::vector<tensor_out> out;
    auto add = [&](const std::string& prefix, const T* base) {
        detail::for_each_slot(net, [&](const std::string& name, std::size_t off, const auto& info) {
            out.push_back({prefix + name, std::vector<std::size_t>(info.dims.begin(), info.dims.begin() + info.rank),
                           base + off, dtype_of<T>});
        });
    };
    add("", net.params());
    for (std::size_t k = 0; k < Opt::state_count; ++k)
        add("optimizer." + std::string(Opt::state_names[k]) + ".", opt.state(k));
    if (!best.empty()) add("best.", best.data());

    std::uint32_t crc = 0;  // of the data section: the tensors in file order
    for (const tensor_out& t : out) {
        std::size_t count = 1;
        for (std::size_t d : t.shape) count *= d;
        crc = detail::crc32_of({static_cast<const std::uint8_t*>(t.data), count * sizeof(T)}, crc);
    }
    std::map<std::string, std::string> meta = state;
    const std::string type = checkpoint_type<Net, Opt>();
    meta["ctnn.format"] = "checkpoint 1";
    meta["ctnn.type"] = type;
    meta["ctnn.fingerprint"] = detail::fnv1a_hex(type);
    meta["ctnn.optimizer_steps"] = std::to_string(opt.steps());
    meta["ctnn.crc32"] = detail::hex32(crc);
    write_safetensors(out, path, meta);
}

/// The order before every save function took the object first.
template <class Net, class Opt>
[[deprecated("ctnn: save_checkpoint takes the objects first: save_checkpoint(net, opt, path, state, best)")]]
void save_checkpoint(const std::string& path, const Net& net, const Opt& opt,
                     const std::map<std::string, std::string>& state = {},
                     std::span<const typename Net::value_type> best = {}) {
    save_checkpoint(net, opt, path, state, best);
}

/// Loads a checkpoint from bytes already in memory (`name` in messages).
/// See `load_checkpoint(net, opt, path, best)`.
template <Network Net, class Opt>
std::map<std::string, std::string> load_checkpoint(Net& net, Opt& opt, std::span<const std::uint8_t> bytes,
                                                   const std::string& name,
                                                   std::vector<typename Net::value_type>* best = nullptr) {
    using T = typename Net::value_type;
    static_assert(Opt::size == Net::param_storage, "ctnn: the optimizer must be the network's (optim::X<Net>)");
    const safetensors_view file = safetensors_view::parse(bytes, name);
    const auto& meta = file.metadata();
    auto get = [&](const char* key) -> const std::string& {
        const auto it = meta.find(key);
        if (it == meta.end()) throw error(name + ": not a ctnn checkpoint (no '" + key + "' in its metadata)");
        return it->second;
    };
    if (get("ctnn.format") != "checkpoint 1")
        throw error(name + ": checkpoint format '" + get("ctnn.format") + "', expected 'checkpoint 1'");
    const std::string type = checkpoint_type<Net, Opt>();
    if (get("ctnn.fingerprint") != detail::fnv1a_hex(type)) {
        const auto it = meta.find("ctnn.type");
        throw error(name + ": the checkpoint was made for " + (it == meta.end() ? "another type" : it->second) +
                    ", not for " + type);
    }
    // the data section: everything after the 8-byte length and the header
    std::uint64_t header = 0;
    for (int i = 7; i >= 0; --i) header = (header << 8) | bytes[std::size_t(i)];
    const std::uint32_t crc = detail::crc32_of(bytes.subspan(std::size_t(8 + header)));
    if (detail::hex32(crc) != get("ctnn.crc32"))
        throw error(name + ": checksum mismatch (CRC-32 of the data " + detail::hex32(crc) + ", the file says " +
                    get("ctnn.crc32") + "): the file is corrupted");
    char* end = nullptr;
    const std::string& steps_text = get("ctnn.optimizer_steps");
    const unsigned long long steps = std::strtoull(steps_text.c_str(), &end, 10);
    if (steps_text.empty() || end != steps_text.c_str() + steps_text.size())
        throw error(name + ": 'ctnn.optimizer_steps' is not a number: '" + steps_text + "'");

    // staging: every tensor read and checked before anything is committed
    bool with_best = false;
    if (best != nullptr)
        for (const tensor_entry& e : file.tensors()) with_best = with_best || e.name.rfind("best.", 0) == 0;
    std::vector<T> staged(Net::param_storage * (1 + Opt::state_count + (with_best ? 1 : 0)), T(0));
    std::vector<expected_tensor> want;
    std::vector<T*> dest;
    auto expect = [&](const std::string& prefix, T* base) {
        detail::for_each_slot(net, [&](const std::string& pname, std::size_t off, const auto& info) {
            want.push_back({prefix + pname, std::vector<std::size_t>(info.dims.begin(), info.dims.begin() + info.rank)});
            dest.push_back(base + off);
        });
    };
    expect("", staged.data());
    for (std::size_t k = 0; k < Opt::state_count; ++k)
        expect("optimizer." + std::string(Opt::state_names[k]) + ".", staged.data() + (1 + k) * Net::param_storage);
    if (with_best) expect("best.", staged.data() + (1 + Opt::state_count) * Net::param_storage);
    // every missing or misshapen tensor in one error; a checkpoint holds nothing else of ours
    const std::vector<const tensor_entry*> found = match_tensors(file, want, {.allow_unexpected = true});
    std::string wrong_types;
    for (const tensor_entry* e : found)
        if (e->type != dtype_of<T>)
            wrong_types += (wrong_types.empty() ? "" : ", ") + io::detail::quote_name(e->name) + " " +
                           std::string(dtype_name(e->type));
    if (!wrong_types.empty())
        throw error(name + ": tensors of another dtype than " + std::string(dtype_name(dtype_of<T>)) + ": " + wrong_types);
    for (std::size_t i = 0; i < found.size(); ++i) file.read(*found[i], dest[i], true);

    // commit
    std::copy(staged.begin(), staged.begin() + Net::param_storage, net.params());
    for (std::size_t k = 0; k < Opt::state_count; ++k)
        std::copy(staged.begin() + (1 + k) * Net::param_storage, staged.begin() + (2 + k) * Net::param_storage,
                  opt.state(k));
    opt.set_steps(static_cast<std::size_t>(steps));
    if (with_best)
        best->assign(staged.begin() + (1 + Opt::state_count) * Net::param_storage,
                     staged.begin() + (2 + Opt::state_count) * Net::param_storage);
    std::map<std::string, std::string> state;
    for (const auto& [k, v] : meta)
        if (k.rfind("ctnn.", 0) != 0) state.emplace(k, v);
    return state;
}

/// Restores `net` and `opt` (and `best`, when the checkpoint has best
/// weights) from the checkpoint at `path`; returns the run state saved with
/// it. On any error (unreadable file, another network or optimizer type,
/// checksum mismatch, missing or misshapen tensor) throws `ctnn::error`
/// naming the file, and leaves `net`, `opt` and `best` as they were.
template <Network Net, class Opt>
std::map<std::string, std::string> load_checkpoint(Net& net, Opt& opt, const std::string& path,
                                                   std::vector<typename Net::value_type>* best = nullptr) {
    const std::vector<std::uint8_t> bytes = read_file(path);
    return load_checkpoint(net, opt, std::span<const std::uint8_t>(bytes), path, best);
}

/// The order before every save and load function took the objects first.
template <Network Net, class Opt>
[[deprecated("ctnn: load_checkpoint takes the objects first: load_checkpoint(net, opt, path, best)")]]
std::map<std::string, std::string> load_checkpoint(const std::string& path, Net& net, Opt& opt,
                                                   std::vector<typename Net::value_type>* best = nullptr) {
    return load_checkpoint(net, opt, path, best);
}

/// The order before every save and load function took the objects first.
template <Network Net, class Opt>
[[deprecated("ctnn: load_checkpoint takes the objects first: load_checkpoint(net, opt, bytes, name, best)")]]
std::map<std::string, std::string> load_checkpoint(std::span<const std::uint8_t> bytes, const std::string& name,
                                                   Net& net, Opt& opt,
                                                   std::vector<typename Net::value_type>* best = nullptr) {
    return load_checkpoint(net, opt, bytes, name, best);
}

}  // namespace ctnn::io
