// LSTM<H, Layers, Returns> (layers/recurrent.hpp): the protocol, finite
// differences in double, PyTorch parity (nn.LSTM, batch_first; fixtures from
// tests/fixtures/make_recurrent_fixtures.py), streaming against the sequence
// call, windows, no allocation. The checks: recurrent_checks.hpp.
#include "recurrent_checks.hpp"

using namespace ctnn;

TEST_CASE("LSTM: the layer protocol and PyTorch's parameter table", "[layers][recurrent][lstm]") {
    recurrent_checks::check_concepts<LSTM>();
}

TEST_CASE("LSTM: gradients against finite differences", "[layers][recurrent][lstm][grad]") {
    recurrent_checks::check_all_gradients<LSTM>();
}

TEST_CASE("LSTM: PyTorch parity (sequence, stacked with the last step, given initial state)",
          "[layers][recurrent][lstm][parity]") {
    recurrent_checks::check_all_parity<LSTM>("lstm");
}

TEST_CASE("LSTM: streaming one step per call equals the sequence call", "[layers][recurrent][lstm][stream]") {
    recurrent_checks::check_all_streaming<LSTM>();
}

TEST_CASE("LSTM: two windows with the state carried equal one long window", "[layers][recurrent][lstm][stream]") {
    recurrent_checks::check_windows<LSTM>();
}

TEST_CASE("LSTM: no allocation in forward, training forward, backward and the streaming step",
          "[layers][recurrent][lstm][alloc]") {
    recurrent_checks::check_no_allocation<LSTM>();
}

TEST_CASE("LSTM: io::parse_net_spec reads its parameter table", "[layers][recurrent][lstm][io]") {
    recurrent_checks::check_net_spec<LSTM>("LSTM");
}
