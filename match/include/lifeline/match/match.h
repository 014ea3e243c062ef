#pragma once
// The matching engine's facade: the model, solve(), insert() and check().

#include "lifeline/match/check.h"
#include "lifeline/match/error.h"
#include "lifeline/match/insert.h"
#include "lifeline/match/problem.h"
#include "lifeline/match/solve.h"
#include "lifeline/match/travel.h"
#include "lifeline/match/types.h"
