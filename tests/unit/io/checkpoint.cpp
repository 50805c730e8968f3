// Checkpoints: exact round trips, bit-exact resumption of a training run,
// refusal of another type or a corrupted file (network untouched), and
// atomic saves that survive a crash mid-write.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/checkpoint.hpp>

using namespace ctnn;

namespace {
using Net = Sequential<Input<3>, Dense<8>, Tanh, Dropout<0.2f>, Dense<3>>;
using Data = train::Dataset<float, Shape<3>>;

std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("ctnn_ck_" + std::to_string(::getpid()) + "_" + name)).string();
}

Data spiral(std::size_t n) {
    Rng rng(5);
    Data d;
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = std::int32_t(i % 3);
        const double t = rng.uniform(0, 1);
        const float x[3] = {float(t * std::cos(4 * t + 2.1 * c) + 0.05 * rng.normal()),
                            float(t * std::sin(4 * t + 2.1 * c) + 0.05 * rng.normal()), float(t)};
        d.push_back(x, c);
    }
    return d;
}

std::vector<std::uint8_t> bytes_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

bool same(const float* a, const float* b, std::size_t n) { return std::equal(a, a + n, b); }
}  // namespace

TEST_CASE("A checkpoint restores parameters, optimizer state and step count exactly", "[io][checkpoint]") {
    const std::string path = temp_path("roundtrip.safetensors");
    auto net = std::make_unique<Net>();
    init::xavier_uniform(*net, 1);
    auto adam = std::make_unique<optim::Adam<Net>>(optim::adam_config<false>{.lr = 0.01});
    const Data d = spiral(64);
    train::fit<SoftmaxCrossEntropy, 16>(*net, *adam, d, nullptr, {.epochs = 2, .progress = train::progress_mode::silent});
    io::save_checkpoint(*net, *adam, path, {{"note", "two epochs"}});

    auto net2 = std::make_unique<Net>();
    auto adam2 = std::make_unique<optim::Adam<Net>>(optim::adam_config<false>{.lr = 0.01});
    const auto state = io::load_checkpoint(*net2, *adam2, path);
    CHECK(state.at("note") == "two epochs");
    CHECK(same(net->params(), net2->params(), Net::param_storage));
    CHECK(same(adam->state(0), adam2->state(0), Net::param_storage));
    CHECK(same(adam->state(1), adam2->state(1), Net::param_storage));
    CHECK(adam2->steps() == adam->steps());
    CHECK(adam2->steps() == 8);
    // the checkpoint is also a weights file
    auto net3 = std::make_unique<Net>();
    io::load_safetensors(*net3, path, {.allow_unexpected = true});
    CHECK(same(net->params(), net3->params(), Net::param_storage));
    std::filesystem::remove(path);
}

TEST_CASE("Training resumed from a checkpoint file is bitwise training straight through", "[io][checkpoint]") {
    const std::string path = temp_path("resume.safetensors");
    const Data d = spiral(200), val = spiral(50);
    train::fit_options o;
    o.epochs = 6;
    o.seed = 4;
    o.patience = 20;
    o.schedule = optim::cosine_lr{.t_max = 6};
    o.progress = train::progress_mode::silent;

    auto straight = std::make_unique<Net>();
    init::xavier_uniform(*straight, 2);
    auto adam_s = std::make_unique<optim::Adam<Net>>();
    train::fit<SoftmaxCrossEntropy, 32>(*straight, *adam_s, d, &val, o);

    {  // the first process: checkpoints after every epoch, "crashes" after 3
        auto net = std::make_unique<Net>();
        init::xavier_uniform(*net, 2);
        auto adam = std::make_unique<optim::Adam<Net>>();
        train::run_state<float> st;
        auto first = o;
        first.epochs = 3;
        first.on_epoch = [&](const train::epoch_stats&) { io::save_checkpoint(*net, *adam, path, st.to_map(), st.best); };
        train::fit<SoftmaxCrossEntropy, 32>(*net, *adam, d, &val, first, &st);
    }
    // the second process: everything from the file
    auto net = std::make_unique<Net>();
    auto adam = std::make_unique<optim::Adam<Net>>();
    train::run_state<float> st;
    st.from_map(io::load_checkpoint(*net, *adam, path, &st.best));
    CHECK(st.epoch == 3);
    CHECK(st.best.size() == Net::param_storage);
    train::fit<SoftmaxCrossEntropy, 32>(*net, *adam, d, &val, o, &st);
    CHECK(st.epoch == 6);
    CHECK(same(net->params(), straight->params(), Net::param_storage));
    CHECK(same(adam->state(1), adam_s->state(1), Net::param_storage));
    std::filesystem::remove(path);
}

TEST_CASE("A checkpoint for another network or optimizer, or a corrupted one, is refused and changes nothing",
          "[io][checkpoint]") {
    const std::string path = temp_path("refuse.safetensors");
    auto net = std::make_unique<Net>();
    init::xavier_uniform(*net, 3);
    optim::Adam<Net> adam;
    io::save_checkpoint(*net, adam, path);

    using Other = Sequential<Input<3>, Dense<8>, ReLU, Dropout<0.2f>, Dense<3>>;  // same shapes, ReLU
    Other other;
    init::xavier_uniform(other, 9);
    const Other other_before = other;
    optim::Adam<Other> adam_other;
    CHECK_THROWS_WITH(io::load_checkpoint(other, adam_other, path),
                      Catch::Contains("the checkpoint was made for ") && Catch::Contains("Tanh") &&
                          Catch::Contains("not for ") && Catch::Contains("ReLU"));
    CHECK(same(other.params(), other_before.params(), Other::param_storage));

    auto target = std::make_unique<Net>();
    init::xavier_uniform(*target, 11);
    const Net before = *target;
    optim::Momentum<Net> momentum;
    CHECK_THROWS_WITH(io::load_checkpoint(*target, momentum, path), Catch::Contains("rules::sgd"));

    // one flipped bit in the data
    auto bytes = bytes_of(path);
    bytes[bytes.size() - 5] ^= 0x10;
    optim::Adam<Net> adam2;
    CHECK_THROWS_WITH(io::load_checkpoint(*target, adam2, std::span<const std::uint8_t>(bytes), path),
                      Catch::Contains(path + ": checksum mismatch"));
    CHECK(same(target->params(), before.params(), Net::param_storage));
    CHECK(adam2.steps() == 0);

    // a weights file is not a checkpoint
    io::save_safetensors(*net, path);
    CHECK_THROWS_WITH(io::load_checkpoint(*target, adam2, path), Catch::Contains("not a ctnn checkpoint"));
    CHECK(same(target->params(), before.params(), Net::param_storage));
    std::filesystem::remove(path);
}

TEST_CASE("A save killed mid-write leaves the previous checkpoint intact", "[io][checkpoint]") {
    // a big network so that a save takes long enough to be interrupted
    using Big = Sequential<Input<1000>, Dense<1000>, ReLU, Dense<1000>>;
    const std::string path = temp_path("crash.safetensors");
    auto net = std::make_unique<Big>();
    init::xavier_uniform(*net, 1);
    auto adam = std::make_unique<optim::Adam<Big>>();
    const float original = net->params()[0];
    io::save_checkpoint(*net, *adam, path, {{"generation", "0"}});
    int interrupted = 0;
    for (int round = 0; round < 6; ++round) {
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {  // saves new generations until killed
            for (int gen = 1;; ++gen) {
                net->params()[0] = float(gen);
                io::save_checkpoint(*net, *adam, path, {{"generation", std::to_string(gen)}});
            }
        }
        ::usleep(useconds_t(3000 + 7000 * round));
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        interrupted += WIFSIGNALED(status) ? 1 : 0;
        // whatever the moment of the kill: a complete checkpoint, old or new
        auto restored = std::make_unique<Big>();
        auto adam2 = std::make_unique<optim::Adam<Big>>();
        const auto state = io::load_checkpoint(*restored, *adam2, path);
        const int generation = std::stoi(state.at("generation"));
        CHECK(restored->params()[0] == (generation == 0 ? original : float(generation)));
        CHECK(same(restored->params() + 1, net->params() + 1, Big::param_storage - 1));
    }
    CHECK(interrupted == 6);
    // leftovers of killed saves are temporary files beside it, never the checkpoint
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(path).parent_path()))
        if (e.path().string().rfind(path + ".tmp-", 0) == 0) std::filesystem::remove(e.path());
    std::filesystem::remove(path);
}

TEST_CASE("The path-first save and load functions still work, deprecated, and write and read the same", "[io][checkpoint]") {
    auto net = std::make_unique<Net>();
    init::xavier_uniform(*net, 3);
    auto adam = std::make_unique<optim::Adam<Net>>();
    const std::string a = temp_path("new_order.safetensors"), b = temp_path("old_order.safetensors");
    io::save_checkpoint(*net, *adam, a, {{"k", "v"}});
    std::vector<io::tensor_out> t{{"x", {1}, net->params(), io::dtype::f32}};
    io::write_safetensors(t, a + ".w");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    io::save_checkpoint(b, *net, *adam, {{"k", "v"}});
    io::write_safetensors(b + ".w", t);
    // and the path-first loads read them the same
    auto net_old = std::make_unique<Net>();
    auto adam_old = std::make_unique<optim::Adam<Net>>();
    const auto state_old = io::load_checkpoint(b, *net_old, *adam_old);
    const auto bytes_b = bytes_of(b);
    auto net_span = std::make_unique<Net>();
    auto adam_span = std::make_unique<optim::Adam<Net>>();
    (void)io::load_checkpoint(std::span<const std::uint8_t>(bytes_b), b, *net_span, *adam_span);
#pragma GCC diagnostic pop
    CHECK(bytes_of(a) == bytes_of(b));
    CHECK(bytes_of(a + ".w") == bytes_of(b + ".w"));
    CHECK(state_old.at("k") == "v");
    CHECK(same(net_old->params(), net->params(), Net::param_storage));
    CHECK(same(net_span->params(), net->params(), Net::param_storage));
    for (const auto& p : {a, b, a + ".w", b + ".w"}) std::filesystem::remove(p);
}

TEST_CASE("A checkpoint lacking tensors or with misshapen ones names them all in one error", "[io][checkpoint]") {
    auto net = std::make_unique<Net>();
    init::xavier_uniform(*net, 4);
    auto adam = std::make_unique<optim::Adam<Net>>();
    const std::string path = temp_path("edited.safetensors");
    io::save_checkpoint(*net, *adam, path);
    // the same file with one optimizer tensor dropped and 0.bias [8] declared as [2, 4], checksum redone
    const auto bytes = bytes_of(path);
    const auto file = io::safetensors_view::parse(bytes, path);
    const std::string dropped = "optimizer." + std::string(optim::Adam<Net>::state_names[0]) + ".3.weight";
    std::vector<io::tensor_out> out;
    std::uint32_t crc = 0;
    for (const auto& e : file.tensors()) {
        if (e.name == dropped) continue;
        const auto raw = file.bytes_of(e);
        out.push_back({e.name, e.name == "0.bias" ? std::vector<std::size_t>{2, 4} : e.shape, raw.data(), e.type});
        crc = io::detail::crc32_of(raw, crc);
    }
    auto meta = file.metadata();
    meta["ctnn.crc32"] = io::detail::hex32(crc);
    const std::string edited = temp_path("edited2.safetensors");
    io::write_safetensors(out, edited, meta);
    auto target = std::make_unique<Net>();
    const Net before = *target;
    optim::Adam<Net> adam2;
    CHECK_THROWS_WITH(io::load_checkpoint(*target, adam2, edited),
                      Catch::Contains(edited + ": missing tensor '" + dropped + "' [3, 8]") &&
                          Catch::Contains("tensor '0.bias' has shape [2, 4], expected [8]"));
    CHECK(same(target->params(), before.params(), Net::param_storage));
    CHECK(adam2.steps() == 0);
    std::filesystem::remove(path);
    std::filesystem::remove(edited);
}
