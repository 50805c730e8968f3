// GRU<H, Layers, Returns> (layers/recurrent.hpp): the protocol, finite
// differences in double, PyTorch parity (nn.GRU, batch_first; fixtures from
// tests/fixtures/make_recurrent_fixtures.py), streaming against the sequence
// call, windows, no allocation. The checks: recurrent_checks.hpp.
#include "recurrent_checks.hpp"

using namespace ctnn;

TEST_CASE("GRU: the layer protocol and PyTorch's parameter table", "[layers][recurrent][gru]") {
    recurrent_checks::check_concepts<GRU>();
}

TEST_CASE("GRU: gradients against finite differences", "[layers][recurrent][gru][grad]") {
    recurrent_checks::check_all_gradients<GRU>();
}

TEST_CASE("GRU: PyTorch parity (sequence, stacked with the last step, given initial state)",
          "[layers][recurrent][gru][parity]") {
    recurrent_checks::check_all_parity<GRU>("gru");
}

TEST_CASE("GRU: streaming one step per call equals the sequence call", "[layers][recurrent][gru][stream]") {
    recurrent_checks::check_all_streaming<GRU>();
}

TEST_CASE("GRU: two windows with the state carried equal one long window", "[layers][recurrent][gru][stream]") {
    recurrent_checks::check_windows<GRU>();
}

TEST_CASE("GRU: no allocation in forward, training forward, backward and the streaming step",
          "[layers][recurrent][gru][alloc]") {
    recurrent_checks::check_no_allocation<GRU>();
}

TEST_CASE("GRU: io::parse_net_spec reads its parameter table", "[layers][recurrent][gru][io]") {
    recurrent_checks::check_net_spec<GRU>("GRU");
}
