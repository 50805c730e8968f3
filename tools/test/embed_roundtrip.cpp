// ctnn-embed's output against the same files loaded at run time: the
// parameter buffers are equal bit for bit (padding included), so are the
// outputs of forward; the small embedded model also runs at compile time.
#include <cstdio>
#include <cstring>
#include <memory>

#include <ctnn/core/random.hpp>
#include <ctnn/io/safetensors.hpp>

#include "deep_model.hpp"
#include "mlp_model.hpp"
#include "models.hpp"

static_assert(std::is_same_v<mlp_model::net_type, embed_test::Mlp>);
static_assert(std::is_same_v<tests::deep_model::net_type, embed_test::Deep>);
// The softmax of the embedded deep model, evaluated by the compiler.
static_assert([] {
    const auto y = tests::deep_model::net.forward(ctnn::Tensor<double, 4>{0.5, -1.0, 0.25, 2.0});
    const double s = y(0) + y(1) + y(2);
    return s > 1 - 1e-12 && s < 1 + 1e-12 && y(0) > 0 && y(1) > 0 && y(2) > 0;
}());

namespace {
int failures = 0;
void check(bool ok, const char* what) {
    std::printf("%s: %s\n", ok ? "ok" : "FAILED", what);
    if (!ok) ++failures;
}

template <class Net>
void compare(const Net& embedded, const char* file, const char* name) {
    auto loaded = std::make_unique<Net>();
    ctnn::io::load_safetensors(*loaded, std::string(CTNN_EMBED_TEST_DIR) + "/" + file);
    char what[160];
    std::snprintf(what, sizeof what, "%s: parameters equal the file's, bit for bit (%zu values)", name, Net::param_count);
    check(std::memcmp(embedded.params(), loaded->params(), sizeof(typename Net::value_type) * Net::param_storage) == 0,
          what);
    ctnn::Rng rng(3);
    bool same = true, nonzero = false;
    for (int k = 0; k < 20; ++k) {
        typename Net::input_type x;
        for (std::size_t i = 0; i < x.size; ++i) x.data()[i] = typename Net::value_type(rng.uniform(-1, 1));
        const auto a = embedded.forward(x);
        const auto b = loaded->forward(x);
        same = same && std::memcmp(a.data(), b.data(), sizeof a.data()[0] * a.size) == 0;
        for (std::size_t i = 0; i < a.size; ++i) nonzero = nonzero || a.data()[i] != 0;
    }
    std::snprintf(what, sizeof what, "%s: forward equals the loaded network's, bit for bit (20 inputs)", name);
    check(same && nonzero, what);
}
}  // namespace

int main() {
    compare(mlp_model::net, "mlp.safetensors", "784-128-10, f32");
    compare(tests::deep_model::net, "deep.safetensors", "units 0..10, f64");
    return failures == 0 ? 0 : 1;
}
