# Runs scdoc: INPUT (scdoc source) -> OUTPUT (roff). A failed conversion leaves no OUTPUT,
# so the next build tries again instead of installing a truncated page.
#   cmake -DSCDOC=/usr/bin/scdoc -DINPUT=page.8.scd -DOUTPUT=page.8 -P scdoc.cmake
execute_process(COMMAND ${SCDOC} INPUT_FILE ${INPUT} OUTPUT_FILE ${OUTPUT}.tmp
                ERROR_VARIABLE error RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  file(REMOVE ${OUTPUT}.tmp)
  message(FATAL_ERROR "scdoc ${INPUT}: ${error}")
endif()
file(RENAME ${OUTPUT}.tmp ${OUTPUT})
