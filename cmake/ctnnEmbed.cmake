# ctnn_embed_header(OUTPUT <header> INPUT <file.safetensors> NET <type>
#                   [TARGET <target>] [NAME <namespace>] [TYPE float|double] [PREFIX <prefix>]
#                   [RENAME <ctnn name>=<file name>...] [ALLOW_UNEXPECTED] [ALLOW_NONFINITE]
#                   [QUANTIZE bf16|int8 [CALIBRATION <samples.npy>]])
# Generates <header> at build time with ctnn-embed (the target ctnn::embed:
# built with ctnn, or imported by find_package(ctnn)); the header is rebuilt
# when the weights or the tool change. A relative INPUT is taken from the
# current source directory, a relative OUTPUT in the current binary one.
# TARGET adds the header to that target's sources and its directory to the
# target's include directories (`#include "<header's name>"`); without it,
# a target that includes the header lists it in its sources. The other
# options are ctnn-embed's (`ctnn-embed --help`).
function(ctnn_embed_header)
  cmake_parse_arguments(E "ALLOW_UNEXPECTED;ALLOW_NONFINITE" "OUTPUT;INPUT;NET;TARGET;NAME;TYPE;PREFIX;QUANTIZE;CALIBRATION" "RENAME" ${ARGN})
  foreach(required OUTPUT INPUT NET)
    if(NOT E_${required})
      message(FATAL_ERROR "ctnn_embed_header: ${required} is required")
    endif()
  endforeach()
  if(E_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "ctnn_embed_header: unknown arguments ${E_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ctnn::embed)
    message(FATAL_ERROR "ctnn_embed_header: no ctnn::embed target (configure ctnn with CTNN_BUILD_TOOLS=ON)")
  endif()
  if(E_TARGET AND NOT TARGET ${E_TARGET})
    message(FATAL_ERROR "ctnn_embed_header: TARGET ${E_TARGET} is no target (call it after add_executable)")
  endif()
  get_filename_component(E_INPUT "${E_INPUT}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  get_filename_component(E_OUTPUT "${E_OUTPUT}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  if(NOT E_NAME)
    set(E_NAME model)
  endif()
  set(args --net ${E_NET} --name ${E_NAME})
  if(E_TYPE)  # else the network's value type
    list(APPEND args --type ${E_TYPE})
  endif()
  if(DEFINED E_PREFIX)
    list(APPEND args --prefix "${E_PREFIX}")
  endif()
  foreach(r IN LISTS E_RENAME)
    list(APPEND args --rename ${r})
  endforeach()
  if(E_ALLOW_UNEXPECTED)
    list(APPEND args --allow-unexpected)
  endif()
  if(E_ALLOW_NONFINITE)
    list(APPEND args --allow-nonfinite)
  endif()
  set(calibration)
  if(E_QUANTIZE)  # bf16 or int8: a ctnn::Quantized network, converted by the tool
    list(APPEND args --quantize ${E_QUANTIZE})
  endif()
  if(E_CALIBRATION)  # int8: a .npy of samples
    get_filename_component(calibration "${E_CALIBRATION}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND args --calibration ${calibration})
  endif()
  add_custom_command(OUTPUT ${E_OUTPUT}
    COMMAND ctnn::embed ${E_INPUT} ${args} -o ${E_OUTPUT}
    DEPENDS ctnn::embed ${E_INPUT} ${calibration}
    COMMENT "ctnn-embed ${E_INPUT} -> ${E_OUTPUT}"
    VERBATIM)
  if(E_TARGET)
    get_filename_component(dir "${E_OUTPUT}" DIRECTORY)
    target_sources(${E_TARGET} PRIVATE "${E_OUTPUT}")
    target_include_directories(${E_TARGET} PRIVATE "${dir}")
  endif()
endfunction()
