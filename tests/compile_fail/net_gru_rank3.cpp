// expect: ctnn: a recurrent layer .GRU, LSTM. takes a sequence .T, F. per sample, or one step .F.
// expect: takes_a_sequence_T_F_or_a_step_F_but_layer
// expect: Shape<2, 3, 4>
#include <ctnn/layers/recurrent.hpp>
#include <ctnn/net.hpp>

// A GRU after a rank-3 sample (an image, say): neither a sequence [T, F] nor one step [F].
using Net = ctnn::Sequential<ctnn::Input<2, 3, 4>, ctnn::GRU<8>>;
Net net;
