# Writes OUTPUT: a C++ source defining lifeline::net::openapi_yaml from INPUT.
file(READ ${INPUT} content)
file(WRITE ${OUTPUT}
  "// Generated from docs/openapi.yaml at build time; do not edit.\n"
  "namespace lifeline::net {\n"
  "extern const char* const openapi_yaml;\n"
  "const char* const openapi_yaml = R\"lifeline_openapi(${content})lifeline_openapi\";\n"
  "}\n")
