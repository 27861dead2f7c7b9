// The names people read for causes and severities. The ids ("dkim_not_activated",
// "fail") stay in JSON and CSV, where scripts read them; the English table shows the
// ids too, the Japanese one names them in Japanese.
#include "analysis/analysis.h"

namespace dmarcq::analysis {

const char* cause_label(Cause cause, Lang lang) {
  if (lang != Lang::kJa) return cause_id(cause);
  switch (cause) {
    case Cause::kSpfIncludeMissing: return "SPF の include 不足";
    case Cause::kSpfNotAligned: return "SPF の整合なし";
    case Cause::kDkimNotActivated: return "DKIM 未設定";
    case Cause::kDkimKeyUnpublished: return "DKIM 鍵の不備";
    case Cause::kSpfPermerror: return "SPF レコードのエラー";
    case Cause::kForwarded: return "転送・メーリングリスト";
    case Cause::kUnauthorized: return "確認できない送信元";
    case Cause::kTransient: return "受信側だけの失敗";
    case Cause::kPolicyNone: return "ポリシー p=none";
    case Cause::kPolicyPartial: return "ポリシーの一部適用（pct）";
    case Cause::kPolicyTesting: return "テストモード（t=y）";
    case Cause::kSubdomainPolicyMissing: return "サブドメインのポリシーなし";
    case Cause::kEnforcementReadiness: return "強化への準備状況";
  }
  return cause_id(cause);
}

std::string severity_label(Severity severity, Lang lang) {
  if (lang == Lang::kJa) {
    switch (severity) {
      case Severity::kFail: return "要対応";
      case Severity::kWarn: return "注意";
      case Severity::kInfo: return "情報";
    }
  }
  std::string upper = severity_name(severity);
  for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
  return upper;
}

}  // namespace dmarcq::analysis
