// The fix texts in Japanese: the same causes, variants and values as fixes_en.cpp,
// written as a Japanese mail administrator writes them (です・ます調). Console paths use
// the labels of the Japanese UIs (Salesforce: 設定 →「DKIM 鍵」, 「送信」page with
// 「不達管理の有効化」 and the two compliance checkboxes; Google 管理コンソール; Microsoft
// Defender ポータル). Vendor consoles that are mostly used in English keep their
// English labels. Records, includes and selectors stay as they are.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/fix_helpers.h"
#include "analysis/fixes.h"
#include "analysis/texts.h"

namespace dmarcq::analysis {
namespace {

using namespace fix_helpers;  // NOLINT: the shared helpers read as local ones

// ---- small helpers (the shared ones are in fix_helpers.h) -------------------------

std::string sender_name(const FixContext& context) {
  if (context.sender == nullptr) return "送信元のシステム";
  if (!context.sender->name.empty()) return context.sender->name;
  if (!context.sender->id.empty()) return context.sender->id;
  return "送信元のシステム";
}

// A UI label: 「label」.
std::string label(std::string_view text) { return "「" + std::string(text) + "」"; }

// Japanese puts a space between Latin and Japanese text but none between two Japanese
// characters. Values are joined with spaces around them ("Zoho Mail で"), so a value
// that is itself Japanese (the name used for an unknown sender) would leave
// "送信元のシステム で": drop a space that has a non-ASCII character on both sides,
// except next to the arrows and ellipses that stand for paths and elided names.
std::string tidy_spacing(const std::string& text) {
  auto non_ascii = [](unsigned char byte) { return byte >= 0x80; };
  auto is_symbol_before = [&](std::size_t space) {  // "→" or "…" ends right before the space
    return space >= 3 &&
           (text.compare(space - 3, 3, "→") == 0 || text.compare(space - 3, 3, "…") == 0);
  };
  auto is_symbol_after = [&](std::size_t space) {
    return text.compare(space + 1, 3, "→") == 0 || text.compare(space + 1, 3, "…") == 0;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ' ' && i > 0 && i + 1 < text.size() &&
        non_ascii(static_cast<unsigned char>(text[i - 1])) &&
        non_ascii(static_cast<unsigned char>(text[i + 1])) && !is_symbol_before(i) &&
        !is_symbol_after(i)) {
      continue;
    }
    out += text[i];
  }
  return out;
}

// ---- shared pieces of several texts ----------------------------------------------

// Custom return paths: Amazon SES "Using a custom MAIL FROM domain" (docs.aws.amazon.com),
// SendGrid automated security (em… CNAME), Postmark pm-bounces → pm.mtasv.net, SparkPost
// bounce domains (developers.sparkpost.com), Mandrill sending domains; senders.md §2.
std::string vendor_return_path_hint(FixService service, const std::string& h) {
  switch (service) {
    case FixService::kAmazonSes:
      return "SES でカスタム MAIL FROM ドメイン（例：mail." + h +
             "）を設定し、SES が表示する MX レコードと TXT レコード v=spf1 include:amazonses.com "
             "~all を公開します";
    case FixService::kSendgrid:
      return "SendGrid の automated security では、CNAME em…." + h + " により Return-Path が " + h +
             " 配下になります";
    case FixService::kPostmark:
      return "CNAME pm-bounces." + h +
             " → pm.mtasv.net を公開し、Postmark で Return-Path ドメインとして設定します";
    case FixService::kSparkpost:
      return "SparkPost でカスタムバウンスドメインを追加します。例：CNAME bounce." + h +
             " → sparkpostmail.com";
    case FixService::kMandrill:
      return "Mandrill の Sending Domains で " + h + " のカスタム Return-Path ドメインを設定します";
    default: return {};
  }
}

std::string envelope_note(const FixContext& context, const std::string& h) {
  const std::string envelope = first_or(context.spf_domains, "");
  if (envelope.empty() || envelope == h) return {};
  return "受信側は " + envelope + "（エンベロープのドメイン）の SPF を確認しています。" + envelope +
         " の SPF レコードにも同じ変更が必要です。";
}

// Why a vendor envelope needs no change (ends where 「ため」 follows).
std::string dkim_state(const FixContext& context) {
  const std::string h = from_domain(context);
  return context.dkim_really_passes
             ? h + " の DKIM 署名で DMARC に成功している"
             : h + " の DKIM 鍵は設定済みで、このレポートでの失敗は受信側によるものである";
}

// 「h の SPF レコードが許可していない」, or that no record exists at all (SPF none).
std::string spf_record_state(const FixContext& context, const std::string& what) {
  const std::string envelope = first_or(context.spf_domains, from_domain(context));
  if (context.spf_results.size() == 1 && context.spf_results[0] == "none") {
    return envelope + " には SPF レコードがなく（受信側の評価は none）、" + what +
           " を許可するものがない";
  }
  return envelope + " の SPF レコードが " + what + " を許可していない";
}

// RFC 7208 §4.6.4: at most 10 DNS-querying terms per SPF check, else permerror.
const FixStep kLookupStep{
    "spf-lookups",
    "レコード全体の DNS ルックアップ数（include、a、mx、exists、redirect、ptr。ネストした include "
    "も含む）を数えてください。10 回を超えると permerror になります。"};

// ---- one function per cause -------------------------------------------------------

FixParts spf_include_missing(const FixContext& context) {
  const std::string h = from_domain(context);
  const std::string name = sender_name(context);
  const FixService service = fix_service(context.sender);
  FixParts out;
  if (service == FixService::kSalesforce) {
    out.summary = "Salesforce は " + h +
                  " をエンベロープ送信者としてこのメールを送っています。しかし " +
                  spf_record_state(context, "Salesforce") + "ため、SPF が失敗しています。";
    out.steps = {
        {"spf-include",
         h + " の SPF レコード（TXT）に include:_spf.salesforce.com を追加してください。"
             "既存の記述（…）は残し、v=spf1 のレコードは 1 つだけにします：",
         {spf_record(h, {"include:_spf.salesforce.com"})}},
        // 10 DNS-querying terms per check (RFC 7208 §4.6.4); _spf.salesforce.com takes 2
        // (senders.md §2, observed).
        {"spf-lookups",
         "この include は、SPF で許される DNS ルックアップ 10 回のうち 2 回を使います。ネストした "
         "include "
         "も含めてレコード全体を数えてください（10 回を超えると permerror になります）。"},
        // Salesforce ヘルプ「Requirements to Send Email from Salesforce」（2026-12-07 に確認）。
        {std::string(kAlsoDkimKey),
         "あわせて Salesforce で DKIM 鍵を作成して有効化してください（設定 →" + label("DKIM 鍵") +
             "、ドメイン " + h +
             "）。DKIM は転送されても残ります。また 2026 年から、Salesforce は自社のドメイン"
             "（サブドメインはそれぞれ）を検証するまで、そのドメインのアドレスからはメールを送り"
             "ません。検証には、有効な DKIM 鍵（Salesforce の推奨）か、Authorized Email "
             "Domains（英語版の画面での名前）への登録を使います。Gmail や Office 365 "
             "との連携で送るメールは対象外です。"},
    };
    out.checks.push_back(spf_check(Lang::kJa, context, h));
  } else if (context.sender != nullptr && context.sender->fix_style == FixStyle::kVendorEnvelope &&
             envelope_is_return_path(context)) {
    const std::string envelope = first_or(context.spf_domains, "");
    out.summary = name + " は Return-Path（エンベロープ送信者）に " + envelope +
                  "（自社ドメインの名前）を使っています。しかし " +
                  spf_record_state(context, "この送信サービス") + "ため、SPF が失敗しています。";
    out.steps = {
        {"vendor-return-path-records",
         name + " が Return-Path ドメイン " + envelope +
             " 用に表示する DNS レコード（通常は CNAME、または MX と "
             "TXT）を表示どおり正確に公開し、" +
             name + " でドメインを検証してください。",
         {return_path_check(envelope)}},
        {std::string(kAlsoDkimKey),
         "あわせて " + name + " で " + h +
             " の DKIM を設定してください。DKIM は転送されても残ります。"},
    };
    out.checks.push_back(spf_check(Lang::kJa, context, envelope));
  } else if (context.sender != nullptr && context.sender->fix_style == FixStyle::kVendorEnvelope &&
             !envelope_is_customers(context)) {
    const std::string envelope = first_or(context.spf_domains, "");
    out.summary = name + " は自身のエンベロープドメイン" +
                  (envelope.empty() ? "" : "（" + envelope + "）") + "で送信するため、" + h +
                  " の SPF レコードに include を追加しても SPF は整合しません" +
                  (context.sender->spf_includes.empty()
                       ? ""
                       : "（" + join(prefixed("include:", context.sender->spf_includes), " ") +
                             " を追加しても DNS ルックアップを消費するだけです）") +
                  "。アライメント（整合）は DKIM で取る必要があります。";
    out.steps = vendor_dkim_steps(Lang::kJa, context);
    out.checks.push_back(dkim_check(Lang::kJa, context, h));
  } else if (context.sender != nullptr) {
    const std::vector<std::string> includes = spf_terms(*context.sender);
    out.summary = name + " は " + h +
                  " をエンベロープ送信者としてこのメールを送っています。しかし " +
                  spf_record_state(context, "この送信サービス") + "ため、SPF が失敗しています。";
    FixStep add{"spf-include", "", {}};
    if (includes.empty()) {
      add.text = h + " の SPF レコード（TXT）に、" + name +
                 " が案内している SPF の記述（include: か、その ip4:/ip6: アドレス）を追加して"
                 "ください（v=spf1 のレコードは 1 つだけにします）。";
    } else if (context.sender->spf_include_per_account && includes.size() > 1) {
      const std::string& hint = context.sender->spf_include_hint.in(Lang::kJa);
      add.text = h + " の SPF レコード（TXT）に、" + name +
                 " の管理画面が自分のアカウント用に示す include を 1 つだけ追加してください。" +
                 (hint.empty() ? "リージョンやデータセンターによって異なります。" : hint + "。") +
                 "候補は " + join(includes, "、") +
                 " です。すべて追加しても DNS ルックアップを消費するだけです。既存の記述（…）は"
                 "残し、v=spf1 のレコードは 1 つだけにします：";
      add.records = {spf_record(h, {"include:…"})};
    } else {
      add.text = h + " の SPF レコード（TXT）に " + join(includes, " ") +
                 " を追加してください。既存の記述（…）は残し、v=spf1 のレコードは 1 つだけに"
                 "します：";
      add.records = {spf_record(h, includes)};
    }
    out.steps = {
        add,
        kLookupStep,
        {std::string(kAlsoDkimKey),
         "あわせて " + name + " で " + h +
             " の DKIM を有効にしてください。DKIM は転送されても残ります。"},
    };
    out.checks.push_back(spf_check(Lang::kJa, context, h));
  } else {
    const std::string ips = join(context.source_ips);
    out.summary = "この送信元" + (ips.empty() ? "" : "（" + ips + "）") + "は " + h +
                  " をエンベロープ送信者として送っていますが、" + h +
                  " の SPF レコードが許可していないため、SPF が失敗しています。";
    out.steps = {
        {"spf-include",
         "これらの IP を使っているサービスやサーバーを特定し、そのサービスが案内する SPF "
         "の記述（include: "
         "または ip4:/ip6:）を " +
             h +
             " の SPF レコード（TXT）に追加してください。v=spf1 のレコードは 1 つだけにします。"},
        kLookupStep,
        {std::string(kAlsoDkimKey),
         "あわせて、そのサービスで " + h + " の DKIM を設定してください。"},
    };
  }
  const std::string note = envelope_note(context, h);
  if (!note.empty() &&
      (context.sender == nullptr || context.sender->fix_style != FixStyle::kVendorEnvelope)) {
    out.notes.push_back(note);
  }
  return out;
}

FixParts spf_strict(const FixContext& context) {
  const std::string h = from_domain(context);
  const std::string p = policy_domain(context);
  const std::string envelope = first_or(context.spf_domains, "別の名前");
  FixParts out;
  out.summary =
      "SPF は " + envelope + " に対して成功していますが、" + p +
      " の DMARC レコードが aspf=s（厳格なアライメント（整合））のため、エンベロープのドメインが " +
      h + " と完全に一致しないと整合しません。";
  if (context.dkim_passes) out.summary += dkim_state(context) + "ため、対応は任意です。";
  out.steps = {
      {"relax-aspf",
       "SPF のアライメント（整合）を緩和する場合：_dmarc." + p +
           " の TXT レコードから aspf=s "
           "を削除します（既定は緩和モードです。ほかのタグは残します）。" +
           organizational(h) + " 配下の名前なら整合するようになります：",
       {dmarc_record(context, published_policy(context))}},
  };
  if (context.sender == nullptr || context.sender->fix_style != FixStyle::kVendorEnvelope) {
    out.alternative_title = text(Lang::kJa, "fix.or_title");
    out.alternative = {{"exact-envelope", sender_name(context) +
                                              " のエンベロープ（Return-Path）に " + h +
                                              " そのもののアドレスを使います。"}};
  }
  return out;
}

FixParts spf_not_aligned(const FixContext& context) {
  if (context.strict_spf) return spf_strict(context);
  const std::string h = from_domain(context);
  const std::string name = sender_name(context);
  const FixService service = fix_service(context.sender);
  const std::string envelope = first_or(context.spf_domains, "");
  FixParts out;
  if (service == FixService::kSalesforce) {
    const std::string bnc = (envelope.empty() ? std::string() : envelope + "（") +
                            "*.bnc.salesforce.com のアドレス" + (envelope.empty() ? "" : "）");
    const std::string why = "これは" + label("不達管理の有効化") + "または" +
                            label("標準メールセキュリティのメカニズムへの準拠を有効化") +
                            "がオンのときに Salesforce がエンベロープ送信者に設定するアドレスで、" +
                            h + " と整合することはありません。";
    if (context.dkim_passes) {
      out.summary = "SPF は " + bnc + "に対して成功しています。" + why + "ただし " +
                    dkim_state(context) + "ため、変更は不要です。";
      out.alternative_title = "任意（SPF も整合させる場合）：";
      out.alternative = salesforce_settings_off_steps(Lang::kJa, h);
      return out;
    }
    if (context.dkim_key_exists) {
      out.summary = "SPF は " + bnc + "に対してしか成功していません。" + why +
                    "DMARC は DKIM 鍵で成功させるもので、その署名が再び成功すれば（この項目の DKIM "
                    "の対処）、ほかの変更は不要です。";
      out.alternative_title = "任意（SPF も整合させる場合）：";
      out.alternative = salesforce_settings_off_steps(Lang::kJa, h);
      return out;
    }
    out.summary = "SPF は " + bnc + "に対してしか成功していません。" + why;
    out.steps_title = "推奨：DKIM を設定する";
    out.steps = salesforce_dkim_steps(Lang::kJa, context);
    out.checks.push_back(dkim_check(Lang::kJa, context, h));
    out.alternative_title = "代替策（DKIM を使えない場合）：";
    out.alternative = salesforce_settings_off_steps(Lang::kJa, h);
    return out;
  }
  if (context.sender != nullptr && context.sender->fix_style == FixStyle::kVendorEnvelope) {
    const std::string own =
        name + " 自身のバウンスドメイン" + (envelope.empty() ? "" : "（" + envelope + "）");
    const std::string return_path = vendor_return_path_hint(service, h);
    const FixStep optional{
        "vendor-return-path",
        return_path.empty()
            ? name + " が対応していれば、" + h + " のサブドメイン（例：bounce." + h +
                  "）をカスタム "
                  "Return-Path（バウンス）ドメインとして設定し、表示されるレコードを公開します。"
            : "カスタム Return-Path を設定します：" + return_path + "。"};
    if (context.dkim_passes) {
      out.summary = "SPF は " + own + "に対して成功しており、" + h + " とは整合しませんが、" +
                    dkim_state(context) + "ため、変更は不要です。";
      out.alternative_title = "任意（SPF も整合させる場合）：";
      out.alternative = {optional};
      return out;
    }
    if (context.dkim_key_exists) {
      out.summary = "SPF は " + own + "に対してしか成功しておらず、" + h +
                    " と整合していません。DMARC は DKIM "
                    "鍵で成功させるもので、その署名が再び成功すれば（この項目の DKIM "
                    "の対処）、ほかの変更は不要です。";
      out.alternative_title = "任意（SPF も整合させる場合）：";
      out.alternative = {optional};
      return out;
    }
    out.summary = "SPF は " + own + "に対してしか成功しておらず、" + h +
                  " と整合していません。DMARC はどちらか一方が整合して成功すればよいので、d=" + h +
                  " の DKIM で対応します。";
    out.steps = vendor_dkim_steps(Lang::kJa, context);
    out.checks.push_back(dkim_check(Lang::kJa, context, h));
    out.alternative_title = "任意（SPF も整合させる場合）：";
    out.alternative = {optional};
    return out;
  }
  out.summary = "エンベロープ送信者のドメイン" +
                (envelope.empty() || envelope == h ? std::string() : " " + envelope + " ") + "が " +
                h +
                "（またはそれと整合するドメイン）ではないため、SPF は成功しても整合していません。";
  out.steps = {
      {"exact-envelope", name + " のエンベロープ送信者（Return-Path）に " + h +
                             "（またはそのサブドメイン）のアドレスを使うよう設定し、そのドメインの "
                             "SPF レコードで送信元を許可してください。"},
      {std::string(kAlsoDkimKey),
       "または DKIM で整合させます。" + name + " で d=" + h + " の署名を設定してください。"},
  };
  return out;
}

FixParts tidy(FixParts parts) {
  parts.summary = tidy_spacing(parts.summary);
  parts.steps_title = tidy_spacing(parts.steps_title);
  parts.alternative_title = tidy_spacing(parts.alternative_title);
  for (FixStep& step : parts.steps) step.text = tidy_spacing(step.text);
  for (FixStep& step : parts.alternative) step.text = tidy_spacing(step.text);
  for (std::string& note : parts.notes) note = tidy_spacing(note);
  for (std::string& check : parts.checks) check = tidy_spacing(check);
  return parts;
}

FixParts by_cause(Cause cause, const FixContext& context) {
  switch (cause) {
    case Cause::kSpfIncludeMissing: return spf_include_missing(context);
    case Cause::kSpfNotAligned: return spf_not_aligned(context);
    case Cause::kDkimNotActivated: return dkim_not_activated(Lang::kJa, context);
    case Cause::kDkimKeyUnpublished: return dkim_key_unpublished(Lang::kJa, context);
    case Cause::kSpfPermerror: return source_fix_parts(cause, Lang::kJa, context);
    case Cause::kForwarded: return source_fix_parts(cause, Lang::kJa, context);
    case Cause::kUnauthorized: return source_fix_parts(cause, Lang::kJa, context);
    case Cause::kTransient: return source_fix_parts(cause, Lang::kJa, context);
    case Cause::kPolicyNone: return domain_fix_parts(cause, Lang::kJa, context);
    case Cause::kPolicyPartial: return domain_fix_parts(cause, Lang::kJa, context);
    case Cause::kPolicyTesting: return domain_fix_parts(cause, Lang::kJa, context);
    case Cause::kSubdomainPolicyMissing: return domain_fix_parts(cause, Lang::kJa, context);
    case Cause::kEnforcementReadiness: return domain_fix_parts(cause, Lang::kJa, context);
  }
  return {};
}

}  // namespace

FixParts fix_parts_ja(Cause cause, const FixContext& context) {
  return tidy(by_cause(cause, context));
}

}  // namespace dmarcq::analysis
