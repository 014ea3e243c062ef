#pragma once
// The matching engine's facade: the model, solve(), insert() and check().

#include "lifeline/core/match/check.h"
#include "lifeline/core/match/insert.h"
#include "lifeline/core/match/problem.h"
#include "lifeline/core/match/solve.h"
#include "lifeline/core/match/travel.h"
#include "lifeline/core/match/types.h"
