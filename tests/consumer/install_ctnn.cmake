# Configures ctnn's source tree afresh with its tests and examples off, builds
# it and installs it into PREFIX, as a packager would.
#   cmake -DSOURCE_DIR= -DBINARY_DIR= -DPREFIX= -DCXX= [-DMAKE_PROGRAM=] -P install_ctnn.cmake
cmake_minimum_required(VERSION 3.20)
include(${CMAKE_CURRENT_LIST_DIR}/run_step.cmake)

file(REMOVE_RECURSE "${BINARY_DIR}" "${PREFIX}")
run_step(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${BINARY_DIR} ${generator_args} -DCMAKE_BUILD_TYPE=Release
         -DCMAKE_INSTALL_PREFIX=${PREFIX} -DCTNN_BUILD_TESTS=OFF -DCTNN_BUILD_EXAMPLES=OFF)
run_step(${CMAKE_COMMAND} --build ${BINARY_DIR})
run_step(${CMAKE_COMMAND} --install ${BINARY_DIR})
if(NOT EXISTS ${PREFIX}/include/ctnn/ctnn.hpp)
  message(FATAL_ERROR "ctnn-consumer: FAILED: ${PREFIX}/include/ctnn/ctnn.hpp was not installed")
endif()
