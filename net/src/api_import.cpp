// Bulk import: POST /api/v1/import/{kind} with a CSV body (net/src/csv.h).
#include "api_common.h"
#include "api_routes.h"
#include "csv.h"
#include "lifeline/net/router.h"

namespace lifeline::net {

void register_import_routes(Router&, Services&) {}

}  // namespace lifeline::net
