// expect-success
// The positive twins of net_gru_rank3.cpp and net_lstm_hidden_zero.cpp: the
// same networks with the mistake fixed compile, and what must not bind does not.
#include <ctnn/layers/recurrent.hpp>
#include <ctnn/net.hpp>

using ctnn::Shape;
using Seq = ctnn::Sequential<ctnn::Input<3, 4>, ctnn::GRU<8>>;  // [T, F] = [3, 4]
using Step = ctnn::Sequential<ctnn::Input<4>, ctnn::LSTM<1>>;   // one step, hidden 1
static_assert(std::is_same_v<Seq::out_shape, Shape<3, 8>>);
static_assert(std::is_same_v<Step::out_shape, Shape<1>>);
static_assert(!ctnn::layers::binding<ctnn::GRU<8>>::accepts<Shape<2, 3, 4>>);
static_assert(ctnn::layers::binding<ctnn::LSTM<8>>::accepts<Shape<3, 4>>);
Seq seq;
Step step;
int main() {}
