// ctnn::error: a std::runtime_error whose message starts with "ctnn: ".
#include <catch2/catch.hpp>
#include <ctnn/core/error.hpp>

#include <stdexcept>
#include <string>
#include <type_traits>

TEST_CASE("ctnn::error prefixes its message and is a runtime_error", "[core][error]") {
    STATIC_REQUIRE(std::is_base_of_v<std::runtime_error, ctnn::error>);
    const ctnn::error e("model.safetensors: tensor '0.weight' has shape [10, 784], expected [128, 784]");
    CHECK(std::string(e.what()) ==
          "ctnn: model.safetensors: tensor '0.weight' has shape [10, 784], expected [128, 784]");
    CHECK_THROWS_AS(throw ctnn::error("bad file"), std::runtime_error);
    CHECK_THROWS_WITH(throw ctnn::error("bad file"), "ctnn: bad file");
}
