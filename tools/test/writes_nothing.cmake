# Runs ctnn-embed with arguments that must fail and checks the failure:
# exit code 1, a message on standard error matching EXPECT, and no header
# written (nor a temporary file beside it): every check is made before the
# tool writes anything.
#   cmake -DTOOL= -DOUT= "-DARGS=a|b|c" "-DEXPECT=regex" -P writes_nothing.cmake
string(REPLACE "|" ";" args "${ARGS}")
file(REMOVE "${OUT}")
execute_process(COMMAND ${TOOL} ${args} -o ${OUT} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${err}")
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "ctnn-embed exited with ${rc}, expected a failure (exit code 1)")
endif()
if(NOT err MATCHES "${EXPECT}")
  message(FATAL_ERROR "ctnn-embed's message does not match: ${EXPECT}")
endif()
if(NOT out STREQUAL "")
  message(FATAL_ERROR "ctnn-embed failed but printed to standard output: ${out}")
endif()
get_filename_component(out_dir "${OUT}" DIRECTORY)
get_filename_component(out_name "${OUT}" NAME)
file(GLOB left "${out_dir}/${out_name}*")
if(left)
  message(FATAL_ERROR "ctnn-embed failed but wrote ${left}")
endif()
