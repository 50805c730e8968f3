// Catch2's main, compiled once in its own translation unit (the v2 single
// header takes ~15 s to compile with its implementation).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
