// Exit codes: the contract in DESIGN.md.
#ifndef DMARCQ_CLI_EXIT_CODES_H_
#define DMARCQ_CLI_EXIT_CODES_H_

namespace dmarcq::cli {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 1;     // bad command line, bad query
constexpr int kExitRejected = 2;  // some inputs rejected; the rest was committed
constexpr int kExitFatal = 3;     // database unusable, out of disk

}  // namespace dmarcq::cli

#endif  // DMARCQ_CLI_EXIT_CODES_H_
