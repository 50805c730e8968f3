# Configures, builds and runs one consumer project in a fresh BINARY_DIR; its
# executable `app` returns nonzero when ctnn computed a wrong result.
#   cmake -DSOURCE_DIR= -DBINARY_DIR= -DCXX= [-DMAKE_PROGRAM=] [-DCONFIGURE_ARGS=a|b] -P build_consumer.cmake
cmake_minimum_required(VERSION 3.20)
include(${CMAKE_CURRENT_LIST_DIR}/run_step.cmake)

string(REPLACE "|" ";" configure_args "${CONFIGURE_ARGS}")
# Fresh, so no cached option from an earlier run can hide a changed default.
file(REMOVE_RECURSE "${BINARY_DIR}")
run_step(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${BINARY_DIR} ${generator_args} -DCMAKE_BUILD_TYPE=Debug
         ${configure_args})
run_step(${CMAKE_COMMAND} --build ${BINARY_DIR})
run_step(${BINARY_DIR}/app)
message("ctnn-consumer: ok")
