// A contract the types cannot see: backward reads what a *training* forward
// kept. After an inference forward (`net.forward(x, ws)`, no `<true>`) it
// would compute wrong gradients silently; instead it stops the program with
// a ctnn: message (the test checks the message). With --ok the same program
// runs the training forward first and exits normally (the positive twin).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <ctnn/net.hpp>

using Net = ctnn::Sequential<ctnn::Input<3>, ctnn::Dense<4>, ctnn::SiLU, ctnn::Dense<2>>;

int main(int argc, char** argv) {
    // ctnn stops the program with std::abort() after its message; end with an
    // exit code instead, so that CTest reads the output rather than a crash
    std::signal(SIGABRT, [](int) { std::_Exit(3); });
    const bool ok = argc > 1 && std::strcmp(argv[1], "--ok") == 0;
    auto net = std::make_unique<Net>();
    ctnn::init::torch_default(*net, 1);
    auto x = std::make_unique<Net::input_batch<4>>();
    auto ws = std::make_unique<Net::workspace<4>>();
    auto g = std::make_unique<Net::gradients>();
    if (ok)
        net->forward<true>(*x, *ws);
    else
        net->forward(*x, *ws);  // the mistake
    net->backward(*x, *ws, *g);
    std::puts("backward ran");
    return 0;
}
