# Configures ctnn's source tree afresh with its tests and examples off and
# installs it into PREFIX with no build step in between (the install builds
# ctnn-embed itself), as a packager would.
#   cmake -DSOURCE_DIR= -DBINARY_DIR= -DPREFIX= -DCXX= [-DMAKE_PROGRAM=] -P install_ctnn.cmake
cmake_minimum_required(VERSION 3.20)
include(${CMAKE_CURRENT_LIST_DIR}/run_step.cmake)

file(REMOVE_RECURSE "${BINARY_DIR}" "${PREFIX}")
run_step(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${BINARY_DIR} ${generator_args} -DCMAKE_BUILD_TYPE=Release
         -DCMAKE_INSTALL_PREFIX=${PREFIX} -DCTNN_BUILD_TESTS=OFF -DCTNN_BUILD_EXAMPLES=OFF)
run_step(${CMAKE_COMMAND} --install ${BINARY_DIR})
foreach(file include/ctnn/ctnn.hpp bin/ctnn-embed share/ctnn/python/save_safetensors.py lib/cmake/ctnn/ctnnEmbed.cmake)
  if(NOT EXISTS ${PREFIX}/${file})
    message(FATAL_ERROR "ctnn-consumer: FAILED: ${PREFIX}/${file} was not installed")
  endif()
endforeach()
