# Runs ctnn-embed with arguments that must fail and checks that it wrote no
# header: a wrong --net is caught before the file is read.
#   cmake -DTOOL= -DOUT= "-DARGS=a|b|c" -P writes_nothing.cmake
string(REPLACE "|" ";" args "${ARGS}")
file(REMOVE "${OUT}")
execute_process(COMMAND ${TOOL} ${args} -o ${OUT} RESULT_VARIABLE rc ERROR_VARIABLE err)
message("${err}")
if(rc EQUAL 0)
  message(FATAL_ERROR "ctnn-embed succeeded, expected a failure")
endif()
if(EXISTS "${OUT}")
  message(FATAL_ERROR "ctnn-embed failed but wrote ${OUT}")
endif()
