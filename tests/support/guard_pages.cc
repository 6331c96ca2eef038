#include "support/guard_pages.h"

#include <array>
#include <stdexcept>
#include <string_view>

namespace policyd::testing {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Cloudflare's passive bot-detection snippet ("JavaScript detections"), injected before
// </body> of every HTML page of a zone that enables it: a hidden iframe that loads
// /cdn-cgi/challenge-platform/scripts/jsd/main.js. The reader sees nothing of it.
constexpr std::string_view kCloudflarePassiveScript =
    R"(<script>(function(){function c(){var b=a.contentDocument||a.contentWindow.document;)"
    R"(if(b){var d=b.createElement('script');d.innerHTML="window.__CF$cv$params={r:'7f3e2d1c0b)"
    R"(9a8877',t:'MTcxNDU1NzYwMC4wMDAwMDA='};var a=document.createElement('script');a.nonce='';)"
    R"(a.src='/cdn-cgi/challenge-platform/scripts/jsd/main.js';document.getElementsByTagName()"
    R"('head')[0].appendChild(a);";b.getElementsByTagName('head')[0].appendChild(d)}}if()"
    R"(document.body){var a=document.createElement('iframe');a.height=1;a.width=1;)"
    R"(a.style.position='absolute';a.style.top=0;a.style.left=0;a.style.border='none';)"
    R"(a.style.visibility='hidden';document.body.appendChild(a);if('loading'!==document.)"
    R"(readyState)c();else if(window.addEventListener)document.addEventListener()"
    R"('DOMContentLoaded',c);else{var e=document.onreadystatechange||function(){};)"
    R"(document.onreadystatechange=function(b){e(b);'loading'!==document.readyState&&()"
    R"(document.onreadystatechange=e,c())}}}})();</script>)";

// Cloudflare's e-mail address obfuscation, also on every page of many zones.
constexpr std::string_view kCloudflareEmailDecode =
    R"(<script data-cfasync="false" src="/cdn-cgi/scripts/5c5dd728/cloudflare-static/)"
    R"(email-decode.min.js"></script>)";

constexpr std::array<std::string_view, 24> kSectionTitles = {
    "Who we are",
    "Scope of this policy",
    "Information you give us",
    "Information we collect automatically",
    "Information from third parties",
    "How we use your information",
    "Legal bases for processing",
    "Profiles and matching",
    "Messages and moderation",
    "Cookies and similar technologies",
    "Advertising partners",
    "Analytics",
    "Sharing with service providers",
    "Sharing within our group",
    "Legal requests and safety",
    "International transfers",
    "Retention",
    "Security",
    "Your rights",
    "Withdrawing consent",
    "Children",
    "Changes to this policy",
    "Supervisory authority",
    "Contact",
};

constexpr std::array<std::string_view, 6> kSentences = {
    "We process this information only where the law allows it and only for as long as the "
    "purpose described in this section requires, after which we delete or anonymise it.",
    "Where processing relies on your consent you may withdraw it at any time in the settings "
    "of your account, without affecting the lawfulness of processing before the withdrawal.",
    "Our service providers act on our documented instructions under data processing "
    "agreements that oblige them to keep your information confidential and secure.",
    "You can ask us for a copy of this information, have it corrected or erased, restrict or "
    "object to its processing, and receive it in a portable format.",
    "We review these measures every year and whenever our services change, and we record the "
    "outcome of each review in our register of processing activities.",
    "If you have questions about this section you can reach our data protection officer at "
    "the postal address below or through the contact form on this page.",
};

// One section: a heading and three paragraphs of three sentences, distinct per section.
std::string Section(std::size_t index) {
  std::string html =
      "<h2>" + std::to_string(index + 1) + ". " + std::string(kSectionTitles[index]) + "</h2>\n";
  for (std::size_t p = 0; p < 3; ++p) {
    html += "<p>This paragraph concerns " + std::string(kSectionTitles[index]) + " (section " +
            std::to_string(index + 1) + ", part " + std::to_string(p + 1) + "). ";
    for (std::size_t s = 0; s < 3; ++s) {
      html += std::string(kSentences[(index + p + s) % kSentences.size()]) + " ";
    }
    html += "</p>\n";
  }
  return html;
}

// A site's page around `main`: head with styles and the vendor scripts, header and footer.
std::string SitePage(const std::string& title, const std::string& main) {
  return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title +
         " | Acme Dating</title><meta name=\"viewport\" content=\"width=device-width\">"
         "<link rel=\"stylesheet\" href=\"/assets/site.css\">"
         "<script src=\"https://www.google.com/recaptcha/api.js\" async defer></script>"
         "<script src=\"https://challenges.cloudflare.com/turnstile/v0/api.js\" async defer>"
         "</script></head><body><header><a href=\"/\">Acme Dating</a><nav><a href=\"/login\">"
         "Log in</a> <a href=\"/signup\">Sign up</a></nav></header>\n<main>" +
         main +
         "</main>\n<footer><p>&copy; 2026 Acme Dating Ltd</p><a href=\"/privacy\">Privacy</a> "
         "<a href=\"/terms\">Terms</a></footer>" +
         std::string(kCloudflareEmailDecode) + std::string(kCloudflarePassiveScript) +
         "</body></html>\n";
}

// --- Bot challenges -----------------------------------------------------------------------

std::string CloudflareManagedChallenge() {
  return R"(<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><meta http-equiv="X-UA-Compatible" content="IE=Edge"><meta name="robots" content="noindex,nofollow"><meta name="viewport" content="width=device-width,initial-scale=1"><style>*{box-sizing:border-box;margin:0;padding:0}html{line-height:1.15;color:#313131;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}body{display:flex;flex-direction:column;height:100vh}.main-content{margin:8rem auto;max-width:60rem;padding-left:1.5rem}</style><meta http-equiv="refresh" content="390"></head><body class="no-js"><div class="main-wrapper" role="main"><div class="main-content"><h1 class="zone-name-title h1">acme.example</h1><h2 id="challenge-running" class="h2">Verifying you are human. This may take a few seconds.</h2><noscript><div id="challenge-error-title"><div class="h2"><span id="challenge-error-text">Enable JavaScript and cookies to continue</span></div></div></noscript><div id="challenge-body-text" class="core-msg spacer">acme.example needs to review the security of your connection before proceeding.</div></div></div><script>(function(){window._cf_chl_opt={cvId: '3',cZone: "acme.example",cType: 'managed',cNounce: '40521',cRay: '8a1b2c3d4e5f6a7b',cHash: '5c0e2b9d7f3a1e6',cUPMDTk: "\/privacy?__cf_chl_tk=q1w2e3r4t5-1714557600-0.0.1.1-1234",cFPWv: 'b',cTTimeMs: '1000',cMTimeMs: '390000',cTplV: 5,cTplB: 'cf',cK: "",fa: "\/privacy?__cf_chl_f_tk=q1w2e3r4t5-1714557600-0.0.1.1-1234",cRq: {ru: 'aHR0cHM6Ly9hY21lLmV4YW1wbGUvcHJpdmFjeQ==',ra: 'cG9saWN5ZC8xLjA=',rm: 'R0VU',t: 'MTcxNDU1NzYwMC4wMDAwMDA=',cT: Math.floor(Date.now() / 1000)}};var cpo = document.createElement('script');cpo.src = '/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8a1b2c3d4e5f6a7b';window._cf_chl_opt.cOgUHash = location.hash === '' && location.href.indexOf('#') !== -1 ? '#' : location.hash;document.getElementsByTagName('head')[0].appendChild(cpo);}());</script><div class="footer" role="contentinfo"><div class="footer-inner"><div class="clearfix diagnostic-wrapper"><div class="ray-id">Ray ID: <code>8a1b2c3d4e5f6a7b</code></div></div><div class="text-center" id="footer-text">Performance &amp; security by <a rel="noopener noreferrer" href="https://www.cloudflare.com?utm_source=challenge&amp;utm_campaign=m" target="_blank">Cloudflare</a></div></div></div></body></html>
)";
}

std::string CloudflareLegacyBrowserCheck() {
  return R"(<!DOCTYPE HTML><html lang="en-US"><head><meta charset="UTF-8" /><meta http-equiv="X-UA-Compatible" content="IE=Edge,chrome=1" /><meta name="robots" content="noindex, nofollow" /><title>Just a moment...</title><style type="text/css">html, body {width: 100%; height: 100%; margin: 0; padding: 0;}</style><meta http-equiv="refresh" content="12;URL='/privacy?__cf_chl_jschl_tk__=pmd_0a1b2c3d4e5f'"></head><body><table width="100%" height="100%" cellpadding="20"><tr><td align="center" valign="middle"><div class="cf-browser-verification cf-im-under-attack"><noscript><h1 data-translate="turn_on_js" style="color:#bd2426;">Please turn JavaScript on and reload the page.</h1></noscript><div id="cf-content" style="display:none"><div><div class="bubbles"></div></div><h1><span data-translate="checking_browser">Checking your browser before accessing</span> acme.example.</h1><p data-translate="process_is_automatic">This process is automatic. Your browser will redirect to your requested content shortly.</p><p data-translate="allow_5_secs" id="cf-spinner-allow-5-secs">Please allow up to 5 seconds&hellip;</p></div><form class="challenge-form" id="challenge-form" action="/privacy?__cf_chl_jschl_tk__=pmd_0a1b2c3d4e5f" method="POST" enctype="application/x-www-form-urlencoded"><input type="hidden" name="md" value="0a1b2c3d4e5f6a7b8c9d"/><input type="hidden" name="r" value="9e8d7c6b5a4f3e2d1c0b"/><input type="hidden" value="5b0e2f6c1d7a" id="jschl-vc" name="jschl_vc"/><input type="hidden" value="" id="jschl-answer" name="jschl_answer"/></form></div><div class="attribution"><a href="https://www.cloudflare.com/5xx-error-landing/" target="_blank" style="font-size: 12px;">DDoS protection by Cloudflare</a><br />Ray ID: 5a1b2c3d4e5f6a7b</div></td></tr></table></body></html>
)";
}

std::string CloudflareAttentionRequired() {
  return R"(<!DOCTYPE html><html class="no-js" lang="en-US"><head><title>Attention Required! | Cloudflare</title><meta charset="UTF-8" /><meta name="robots" content="noindex, nofollow" /><link rel="stylesheet" id="cf_styles-css" href="/cdn-cgi/styles/cf.errors.css" /></head><body><div id="cf-wrapper"><div class="cf-alert cf-alert-error cf-cookie-error" id="cookie-alert" data-translate="enable_cookies">Please enable cookies.</div><div id="cf-error-details" class="cf-error-details-wrapper"><div class="cf-wrapper cf-header cf-error-overview"><h1 data-translate="challenge_headline">One more step</h1><h2 class="cf-subheadline"><span data-translate="complete_sec_check">Please complete the security check to access</span> acme.example</h2></div><div class="cf-section cf-highlight cf-captcha-container"><div class="cf-wrapper"><div class="cf-columns two"><div class="cf-column"><div class="cf-highlight-inverse cf-form-stacked"><form class="challenge-form" id="challenge-form" action="/privacy?__cf_chl_captcha_tk__=pmd_1a2b3c" method="POST"><script src="https://www.google.com/recaptcha/api.js" async defer></script><div class="g-recaptcha" data-sitekey="6LfBixYUAAAAABhdHynFUIMA_sa4s-XsJvnjtgB0"></div></form></div></div><div class="cf-column"><div class="cf-screenshot-container"><span class="cf-no-screenshot"></span></div></div></div></div></div><div class="cf-section cf-wrapper"><div class="cf-columns two"><div class="cf-column"><h2 data-translate="why_captcha_headline">Why do I have to complete a CAPTCHA?</h2><p data-translate="why_captcha_detail">Completing the CAPTCHA proves you are a human and gives you temporary access to the web property.</p></div><div class="cf-column"><h2 data-translate="resolve_captcha_headline">What can I do to prevent this in the future?</h2><p data-translate="resolve_captcha_antivirus">If you are on a personal connection, like at home, you can run an anti-virus scan on your device to make sure it is not infected with malware.</p></div></div></div><div class="cf-error-footer cf-wrapper"><p><span class="cf-footer-item">Cloudflare Ray ID: <strong>6b1c2d3e4f5a6b7c</strong></span> <span class="cf-footer-separator">&bull;</span> <span class="cf-footer-item"><span>Performance &amp; security by</span> <a href="https://www.cloudflare.com/5xx-error-landing" id="brand_link" target="_blank">Cloudflare</a></span></p></div></div></div></body></html>
)";
}

std::string TurnstileWall() {
  return R"(<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Security check - Acme Dating</title><script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async defer></script></head><body><main class="check"><h1>One moment, please</h1><p>Please verify you are human to continue to Acme Dating.</p><form action="/verify" method="POST"><div class="cf-turnstile" data-sitekey="0x4AAAAAAAB1c2d3e4f5g6h7" data-callback="onVerified"></div><input type="hidden" name="return" value="/privacy"><button type="submit">Continue</button></form></main></body></html>
)";
}

std::string RecaptchaWall() {
  return R"(<!DOCTYPE html><html><head><meta charset="utf-8"><title>Are you a robot?</title><script src="https://www.google.com/recaptcha/api.js" async defer></script></head><body><div class="container"><h1>Are you a robot?</h1><p>We noticed unusual traffic from your network. Please complete the CAPTCHA below to continue to the page you asked for.</p><form method="post" action="/captcha"><div class="g-recaptcha" data-sitekey="6Lc0a1b2AAAAAC3d4e5f6g7h8i9j0k1l2m3n4o5p"></div><button type="submit">Continue</button></form><p class="small">Reference: 3f2a9c</p></div></body></html>
)";
}

std::string HcaptchaWall() {
  return R"(<!DOCTYPE html><html><head><meta charset="utf-8"><title>Acme Dating</title><script src="https://js.hcaptcha.com/1/api.js" async defer></script></head><body><section class="gate"><h2>Verify you are human</h2><p>Complete the check below so we know you are not an automated program.</p><form method="post" action="/gate"><div class="h-captcha" data-sitekey="10000000-ffff-ffff-ffff-000000000001"></div><input type="submit" value="Submit"></form></section></body></html>
)";
}

std::string DataDomeCaptcha() {
  return R"(<html lang="en"><head><title>acme.example</title><style>#cmsg{animation: A 1.5s;}@keyframes A{0%{opacity:0;}99%{opacity:0;}100%{opacity:1;}}</style></head><body style="margin:0"><p id="cmsg">Please enable JS and disable any ad blocker</p><script data-cfasync="false">var dd={'rt':'c','cid':'AHrlqAAAAAMAx1y2z3w4v5u6AAAAAA==','hsh':'E6EAF460AA2A8322D66B42C85B62F9','t':'bv','s':41533,'e':'5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e','host':'geo.captcha-delivery.com'}</script><script data-cfasync="false" src="https://ct.captcha-delivery.com/c.js"></script></body></html>
)";
}

std::string PerimeterXPressAndHold() {
  return R"(<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Access to this page has been denied</title><style>.px-captcha-container{margin:auto;width:530px}</style></head><body><div class="px-captcha-container"><div class="px-captcha-header">Before we continue...</div><div class="px-captcha-message">Press &amp; Hold to confirm you are<br>a human (and not a bot).</div><div id="px-captcha"></div></div><div class="px-captcha-refid">Reference ID 2f7e9a10-1b2c-11ef-a3d4-5e6f7a8b9c0d</div><script>window._pxAppId='PXa1b2c3d4';window._pxJsClientSrc='/a1b2c3d4/init.js';window._pxFirstPartyEnabled=true;window._pxVid='';window._pxUuid='2f7e9a10-1b2c-11ef-a3d4-5e6f7a8b9c0d';window._pxHostUrl='/a1b2c3d4/xhr';</script><script src="/a1b2c3d4/captcha/captcha.js?a=c&u=2f7e9a10&v=&m=0"></script></body></html>
)";
}

std::string AkamaiBotManagerChallenge() {
  return R"(<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Challenge Validation</title><link rel="stylesheet" type="text/css" href="/_sec/cp_challenge/sec-4-4.css"><script type="text/javascript">function cp_clge_done(){location.reload(true);}</script><script src="/_sec/cp_challenge/sec-cpt-int-4-4.js" async defer></script><script type="text/javascript">sessionStorage.setItem('data-duration', 5);</script></head><body><div class="sec-container"><div id="sec-text-container"><iframe id="sec-text-if" class="custmsg" src="/_sec/cp_challenge/abc-challenge-4-4.htm"></iframe></div><div id="sec-if-container"><iframe id="sec-cpt-if" provider="crypto" class="crypto" data-key="" data-duration=5 src="/_sec/cp_challenge/ak-challenge-4-4.htm"></iframe></div></div></body></html>
)";
}

std::string ImpervaJavaScriptChallenge() {
  return R"(<html><head><META NAME="robots" CONTENT="noindex,nofollow"><script src="/_Incapsula_Resource?SWJIYLWA=5074a744e2e3d891814e9a2dace20bd4,719d34d31c8e3a6e6fffd425f7e032f3"></script><body></body></html>
)";
}

std::string ImpervaPardonOurInterruption() {
  return R"(<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Pardon Our Interruption</title><meta name="viewport" content="width=device-width"><script src="/ac7e0b2d/init.js"></script></head><body><div class="container"><h1>Pardon Our Interruption</h1><p>As you were browsing something about your browser made us think you were a bot. There are a few reasons this might happen:</p><ul><li>You've disabled JavaScript in your web browser.</li><li>You're a power user moving through this website with super-human speed.</li><li>You've disabled cookies in your web browser.</li><li>A third-party browser plugin, such as Ghostery or NoScript, is preventing JavaScript from running.</li></ul><p>To regain access, please make sure that cookies and JavaScript are enabled before reloading the page.</p></div></body></html>
)";
}

std::string SucuriJavaScriptChallenge() {
  return R"(<html><title>You are being redirected...</title>
<noscript>Javascript is required. Please enable javascript before you are allowed to see this page.</noscript>
<script>var s={},u,c,U,r,i,l=0,a,e=eval,w=String.fromCharCode,sucuri_cloudproxy_js='',S='cD0nMicgKyAnNScuc2xpY2UoMCwxKSArICIzIiArICcxJyArICdmJyArICI2IiArICc0JyArICdlJyArICIxIjtkb2N1bWVudC5jb29raWU9InN1Y3VyaV9jbG91ZHByb3h5X3V1aWRfOGMwNWM1NmU1PSIgKyBwICsgJztwYXRoPS87bWF4LWFnZT04NjQwMCc7IGxvY2F0aW9uLnJlbG9hZCgpOw==';L=S.length;U=0;r='';var A='ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';for(u=0;u<64;u++){s[A.charAt(u)]=u;}for(i=0;i<L;i++){c=s[S.charAt(i)];U=(U<<6)+c;l+=6;while(l>=8){((a=(U>>>(l-=8))&0xff)||(i<(L-2)))&&(r+=w(a));}}e(r);</script></html>
)";
}

std::string VercelSecurityCheckpoint() {
  return R"(<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Vercel Security Checkpoint</title><style>body{font-family:system-ui;background:#fafafa}.container{max-width:480px;margin:20vh auto}</style></head><body><div class="container"><div class="spinner"></div><h1 class="title">We're verifying your browser</h1><p class="subtitle">Website owner? <a href="https://vercel.com/docs/security/attack-challenge-mode">Click here to fix</a></p><noscript><p>Enable JavaScript to continue.</p></noscript><footer><p>Vercel Security Checkpoint <span class="separator">|</span> <span class="request-id">fra1::1714557600-a1b2c3d4e5f6</span></p></footer></div><script src="/.well-known/vercel/security/static/challenge.v2.min.js" async></script></body></html>
)";
}

std::string AwsWafCaptcha() {
  return R"(<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title></title><script type="text/javascript" src="https://3a4b5c6d7e8f.edge.captcha-sdk.awswaf.com/3a4b5c6d7e8f/jsapi.js"></script><script>window.awsWafCookieDomainList = [];window.gokuProps = {"key":"AQIDAHjcYu/GjX+QlghicBgQ/7bFaQZ+m5FKCMDnO+vTbNg96AH8a1b2c3d4e5f6","iv":"D549dAAAAAB3y7Yz","context":"Hx1p2q3r4s5t6u7v8w9x0y"};</script></head><body><div id="captcha-container"></div><noscript><h1>JavaScript is disabled</h1>In order to continue, we need to verify that you're not a robot. This requires JavaScript. Enable JavaScript and then reload the page.</noscript></body></html>
)";
}

// --- Block pages --------------------------------------------------------------------------

// Cloudflare's 10xx error pages share one template; `code`, `headline` and `detail` differ.
std::string CloudflareErrorPage(const std::string& code, const std::string& headline,
                                const std::string& detail) {
  return "<!DOCTYPE html>\n<!--[if lt IE 7]> <html class=\"no-js ie6 oldie\" lang=\"en-US\"> "
         "<![endif]-->\n<!--[if gt IE 8]><!--> <html class=\"no-js\" lang=\"en-US\"> "
         "<!--<![endif]-->\n<head>\n<title>Access denied | acme.example used Cloudflare to "
         "restrict access</title>\n<meta charset=\"UTF-8\" />\n<meta name=\"robots\" "
         "content=\"noindex, nofollow\" />\n<link rel=\"stylesheet\" id=\"cf_styles-css\" "
         "href=\"/cdn-cgi/styles/main.css\" />\n</head>\n<body>\n<div id=\"cf-wrapper\">\n"
         "<div class=\"cf-alert cf-alert-error cf-cookie-error hidden\" id=\"cookie-alert\" "
         "data-translate=\"enable_cookies\">Please enable cookies.</div>\n<div "
         "id=\"cf-error-details\" class=\"p-0\">\n<header class=\"mx-auto pt-10 lg:pt-6 "
         "lg:px-8 w-240 lg:w-full mb-15 antialiased\">\n<h1 class=\"inline-block md:block mr-2 "
         "md:mb-2 font-light text-60 md:text-3xl text-black-dark leading-tight\">\n<span "
         "data-translate=\"error\">Error</span>\n<span>" +
         code +
         "</span>\n</h1>\n<span class=\"inline-block md:block heading-ray-id font-mono "
         "text-15 lg:text-sm lg:leading-relaxed\">Ray ID: 8a1b2c3d4e5f6a7b &bull;</span>\n"
         "<span class=\"inline-block md:block heading-ray-id font-mono text-15 lg:text-sm "
         "lg:leading-relaxed\">2026-05-01 10:00:00 UTC</span>\n<h2 class=\"text-gray-600 "
         "leading-1.3 text-3xl lg:text-2xl font-light\">" +
         headline +
         "</h2>\n</header>\n<section class=\"w-240 lg:w-full mx-auto mb-8 lg:px-8\">\n<div "
         "id=\"what-happened-section\" class=\"w-1/2 md:w-full\">\n<h2 class=\"text-3xl "
         "leading-tight font-normal mb-4 text-black-dark antialiased\" "
         "data-translate=\"what_happened\">What happened?</h2>\n<p>" +
         detail +
         "</p>\n</div>\n</section>\n<div class=\"feedback-hidden py-8 text-center\" "
         "id=\"error-feedback\">\n<div id=\"error-feedback-survey\" class=\"footer-line-wrapper"
         "\">\nWas this page helpful?\n<button class=\"border border-solid bg-white "
         "cf-button cursor-pointer ml-4 px-4 py-2 rounded\" id=\"feedback-button-yes\" "
         "type=\"button\">Yes</button>\n<button class=\"border border-solid bg-white "
         "cf-button cursor-pointer ml-4 px-4 py-2 rounded\" id=\"feedback-button-no\" "
         "type=\"button\">No</button>\n</div>\n<div class=\"feedback-success feedback-hidden\" "
         "id=\"error-feedback-success\">\nThank you for your feedback!\n</div>\n</div>\n"
         "<div class=\"cf-error-footer cf-wrapper w-240 lg:w-full py-10 sm:py-4 sm:px-8 "
         "mx-auto text-center sm:text-left border-solid border-0 border-t border-gray-300\">\n"
         "<p class=\"text-13\">\n<span class=\"cf-footer-item sm:block sm:mb-1\">Cloudflare "
         "Ray ID: <strong class=\"font-semibold\">8a1b2c3d4e5f6a7b</strong></span>\n<span "
         "class=\"cf-footer-separator sm:hidden\">&bull;</span>\n<span id=\"cf-footer-item-ip"
         "\" class=\"cf-footer-item hidden sm:block sm:mb-1\">\nYour IP:\n<button "
         "type=\"button\" id=\"cf-footer-ip-reveal\" class=\"cf-footer-ip-reveal-btn\">Click "
         "to reveal</button>\n<span class=\"hidden\" id=\"cf-footer-ip\">203.0.113.7</span>\n"
         "<span class=\"cf-footer-separator sm:hidden\">&bull;</span>\n</span>\n<span "
         "class=\"cf-footer-item sm:block sm:mb-1\"><span>Performance &amp; security by</span> "
         "<a rel=\"noopener noreferrer\" href=\"https://www.cloudflare.com/5xx-error-landing\" "
         "id=\"brand_link\" target=\"_blank\">Cloudflare</a></span>\n</p>\n</div>\n</div>\n"
         "</div>\n</body>\n</html>\n";
}

std::string CloudflareConnectionTimedOut() {
  return R"(<!DOCTYPE html><html class="no-js" lang="en-US"><head><title>acme.example | 522: Connection timed out</title><meta charset="UTF-8" /><link rel="stylesheet" id="cf_styles-css" href="/cdn-cgi/styles/cf.errors.css" /></head><body><div id="cf-wrapper"><div id="cf-error-details" class="cf-error-details-wrapper"><div class="cf-wrapper cf-header cf-error-overview"><h1><span class="cf-error-type" data-translate="error">Connection timed out</span> <span class="code-label">Error code 522</span></h1><div class="cf-error-description">Visit <a href="https://www.cloudflare.com/5xx-error-landing?utm_source=errorcode_522" target="_blank">cloudflare.com</a> for more information.</div><div class="cf-error-timestamp">2026-05-01 10:00:00 UTC</div></div><div class="cf-section cf-wrapper"><div class="cf-columns two"><div class="cf-column"><h2>What happened?</h2><p>The initial connection between Cloudflare's network and the origin web server timed out. As a result, the web page can not be displayed.</p></div><div class="cf-column"><h2>What can I do?</h2><p>If you're a visitor of this website: please try again in a few minutes.</p></div></div></div><div class="cf-error-footer cf-wrapper"><p><span class="cf-footer-item">Cloudflare Ray ID: <strong>8a1b2c3d4e5f6a7c</strong></span> <span class="cf-footer-separator">&bull;</span> <span class="cf-footer-item"><span>Performance &amp; security by</span> <a href="https://www.cloudflare.com/5xx-error-landing" target="_blank">Cloudflare</a></span></p></div></div></div></body></html>
)";
}

std::string SucuriAccessDenied() {
  return R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex, nofollow"><title>Sucuri WebSite Firewall - Access Denied</title><link href="https://fonts.googleapis.com/css?family=Open+Sans:400,300,600,700" rel="stylesheet" type="text/css"><style>html{font-family:'Open Sans',sans-serif}.property-table td{padding:4px}</style></head>
<body><div id="main-container"><header class="app-header clearfix"><div class="wrap"><a href="https://www.sucuri.net/?utm_source=firewall_block" class="logo"></a><span class="logo-neartext">Website Firewall</span><a href="https://sucuri.net/?utm_source=firewall_block" class="site-link">Back to sucuri.net</a></div></header>
<section class="app-content access-denied clearfix"><div class="box center width-max-940"><h1 class="brand-font font-size-xtra no-margin"><i class="icon-circle-red"></i>Access Denied - Sucuri Website Firewall</h1>
<p class="medium-text code-snippet">If you are the site owner (or you manage this site), please whitelist your IP or if you think this block is an error please <a href="https://support.sucuri.net/?utm_source=firewall_block" class="color-green underline">open a support ticket</a> and make sure to include the block details (displayed in the box below), so we can assist you in troubleshooting the issue.</p>
<h2>Block details:</h2>
<table class="property-table overflow-break-all line-height-16">
<tr><td>Your IP:</td><td><span>203.0.113.7</span></td></tr>
<tr><td><span>URL:</span></td><td><span>acme.example/privacy</span></td></tr>
<tr><td><span>Your Browser: </span></td><td><span>policyd/0.1</span></td></tr>
<tr><td><span>Block ID:</span></td><td><span>BNP005</span></td></tr>
<tr><td class="red-color"><span>Block reason:</span></td><td><span>Bad bot access attempt.</span></td></tr>
<tr><td><span>Time:</span></td><td><span>2026-05-01 10:00:00</span></td></tr>
<tr><td><span>Server ID:</span></td><td><span>14013</span></td></tr>
</table></div></section>
<footer><span>&copy; 2026 Sucuri Inc. All rights reserved.</span><span id="privacy-policy"><a href="https://sucuri.net/privacy-policy?utm_source=firewall_block" target="_blank" rel="nofollow noopener">Privacy</a></span></footer></div></body></html>
)";
}

std::string AkamaiAccessDenied() {
  return R"(<HTML><HEAD>
<TITLE>Access Denied</TITLE>
</HEAD><BODY>
<H1>Access Denied</H1>
 
You don't have permission to access "http&#58;&#47;&#47;www&#46;acme&#46;example&#47;privacy" on this server.<P>
Reference&#32;&#35;18&#46;6f5d1c17&#46;1714557600&#46;2b7c9e1
<P>https&#58;&#47;&#47;errors&#46;edgesuite&#46;net&#47;18&#46;6f5d1c17&#46;1714557600&#46;2b7c9e1</P>
</BODY>
</HTML>
)";
}

std::string ImpervaIncident() {
  return R"(<html style="height:100%"><head><META NAME="ROBOTS" CONTENT="NOINDEX, NOFOLLOW"><meta name="format-detection" content="telephone=no"><meta name="viewport" content="initial-scale=1.0"><meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1"></head><body style="margin:0px;height:100%"><iframe id="main-iframe" src="/_Incapsula_Resource?CWUDNSAI=9&xinfo=10-12345678-0%200NNN%20RT%281714557600000%2050%29&incident_id=123000450012345678-123456789012345678&edet=12&cinfo=04000000&rpinfo=0&mth=GET" frameborder=0 width="100%" height="100%" marginheight="0px" marginwidth="0px">Request unsuccessful. Incapsula incident ID: 123000450012345678-123456789012345678</iframe></body></html>
)";
}

std::string ImpervaErrorFifteen() {
  return R"(<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Access denied | www.acme.example used Imperva to restrict access</title></head><body><div class="container"><h1>Access denied</h1><h2>Error 15</h2><p>www.acme.example</p><p>2026-05-01 10:00:00 UTC</p><table><tr><td>Your IP</td><td>203.0.113.7</td></tr><tr><td>Proxy IP</td><td>198.51.100.12</td></tr><tr><td>Incident ID</td><td>1234000560078901234-567890123456789012</td></tr></table><h3>What happened?</h3><p>This request was blocked by our security service.</p><p class="powered">Powered by Imperva</p></div></body></html>
)";
}

std::string CloudFrontRequestBlocked() {
  return R"(<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">
<TITLE>ERROR: The request could not be satisfied</TITLE>
</HEAD><BODY>
<H1>403 ERROR</H1>
<H2>The request could not be satisfied.</H2>
<HR noshade size="1px">
Request blocked.
We can't connect to the server for this app or website at this time. There might be too much traffic or a configuration error. Try again later, or contact the app or website owner.
<BR clear="all">
If you provide content to customers through CloudFront, you can find steps to troubleshoot and help prevent this error by reviewing the CloudFront documentation.
<BR clear="all">
<HR noshade size="1px">
<PRE>
Generated by cloudfront (CloudFront)
Request ID: Zq1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8L9z0X1c2V3b4N5m6==
</PRE>
<ADDRESS>
</ADDRESS>
</BODY></HTML>
)";
}

std::string NginxStatusPage(const std::string& status_line) {
  return "<html>\r\n<head><title>" + status_line + "</title></head>\r\n<body>\r\n<center><h1>" +
         status_line + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
}

std::string ApacheStatusPage(const std::string& status_line, const std::string& heading,
                             const std::string& detail) {
  return "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>" +
         status_line + "</title>\n</head><body>\n<h1>" + heading + "</h1>\n<p>" + detail +
         "</p>\n<hr>\n<address>Apache/2.4.62 (Debian) Server at acme.example Port 443</address>"
         "\n</body></html>\n";
}

std::string PlainTooManyRequests() {
  return R"(<!DOCTYPE html><html><head><meta charset="utf-8"><title>Too Many Requests</title></head><body><h1>Too Many Requests</h1><p>You have sent too many requests in a given amount of time. Please wait a while and try again.</p></body></html>
)";
}

// --- Error pages --------------------------------------------------------------------------

std::string NginxWelcome() {
  return R"(<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
)";
}

std::string ApacheItWorks() { return "<html><body><h1>It works!</h1></body></html>\n"; }

std::string FastlyUnknownDomain() {
  return R"(<html><head><title>Fastly error: unknown domain acme.example</title></head><body><p>Fastly error: unknown domain: acme.example. Please check that this domain has been added to a service.</p><p>Details: cache-fra-eddf8230117-FRA</p></body></html>
)";
}

std::string VarnishGuruMeditation() {
  return R"(<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html>
  <head>
    <title>503 Backend fetch failed</title>
  </head>
  <body>
    <h1>Error 503 Backend fetch failed</h1>
    <p>Backend fetch failed</p>
    <h3>Guru Meditation:</h3>
    <p>XID: 918273645</p>
    <hr>
    <p>Varnish cache server</p>
  </body>
</html>
)";
}

std::string VercelNotFound(const std::string& code) {
  return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>404: " + code +
         "</title><style>body{font-family:system-ui}</style></head><body><div "
         "class=\"container\"><main><p class=\"devinfo-container\"><span "
         "class=\"error-code\"><strong>404</strong>: " +
         code + "</span><br><span class=\"devinfo-line\">Code: <code>" + code +
         "</code></span><br><span class=\"devinfo-line\">ID: <code>fra1::a1b2c-1714557600000-"
         "0123456789ab</code></span></p><a href=\"https://vercel.com/docs/errors/" +
         code +
         "\" target=\"_blank\" rel=\"noopener noreferrer\"><div class=\"note\"><p>Read our "
         "documentation to learn more about this error.</p></div></a></main></div></body>"
         "</html>\n";
}

std::string NetlifyNotFound() {
  return R"(<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Page not found</title><style>body{font-family:-apple-system,sans-serif;background:#fff}</style></head><body><div class="container"><div class="card"><h1>Page not found</h1><p>Looks like you've followed a broken link or entered a URL that doesn't exist on this site.</p><p>If this is your site, and you weren't expecting a 404 for this path, please visit Netlify's <a href="https://answers.netlify.com/t/support-guide-i-ve-deployed-my-site-but-i-still-see-page-not-found/125?utm_source=404page&utm_campaign=community_tracking">"page not found" support guide</a> for troubleshooting tips.</p><hr><p id="back-link"><a href="/">Back to our site</a></p></div></div></body></html>
)";
}

std::string SoftNotFound() {
  return SitePage("Page not found",
                  "<h1>Oops! That page can't be found.</h1><p>It looks like nothing was found "
                  "at this location. Maybe try one of the links below or a search?</p><form "
                  "action=\"/search\"><input type=\"search\" name=\"q\"><button>Search</button>"
                  "</form>");
}

std::string IisDefault() {
  return R"(<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1" /><title>IIS Windows Server</title><style type="text/css">body{color:#000000;background-color:#0072C6;margin:0;}</style></head><body><div id="container"><a href="http://go.microsoft.com/fwlink/?linkid=66138&amp;clcid=0x409"><img src="iisstart.png" alt="IIS" width="960" height="600" /></a></div></body></html>
)";
}

// --- Login walls --------------------------------------------------------------------------

std::string LoginWall() {
  return R"(<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign in - Acme Dating</title></head><body><main class="auth"><h1>Welcome back</h1><p>Sign in to continue to Acme Dating.</p><form method="post" action="/session"><label>Email <input type="email" name="email" autocomplete="username"></label><label>Password <input type="password" name="password" autocomplete="current-password"></label><button type="submit">Sign in</button></form><p><a href="/password/reset">Forgot your password?</a> New here? <a href="/signup">Create an account</a></p></main></body></html>
)";
}

std::vector<VendorPage> MakeVendorPages() {
  const Headers cloudflare = {{"server", "cloudflare"}, {"cf-ray", "8a1b2c3d4e5f6a7b-FRA"}};
  const auto with = [](Headers headers, std::pair<std::string, std::string> extra) {
    headers.push_back(std::move(extra));
    return headers;
  };
  return {
      // Bot challenges.
      {"cloudflare_managed_challenge", 403, with(cloudflare, {"cf-mitigated", "challenge"}),
       CloudflareManagedChallenge(), "challenge", "cloudflare"},
      {"cloudflare_legacy_browser_check", 503, cloudflare, CloudflareLegacyBrowserCheck(),
       "challenge", "cloudflare"},
      {"cloudflare_attention_required", 403, cloudflare, CloudflareAttentionRequired(), "challenge",
       "cloudflare"},
      {"cloudflare_turnstile_wall", 200, cloudflare, TurnstileWall(), "challenge", "cloudflare"},
      {"recaptcha_wall", 200, {{"server", "nginx"}}, RecaptchaWall(), "challenge", "recaptcha"},
      {"hcaptcha_wall", 200, {{"server", "nginx"}}, HcaptchaWall(), "challenge", "hcaptcha"},
      {"datadome_captcha",
       403,
       {{"server", "nginx"}, {"x-datadome", "protected"}},
       DataDomeCaptcha(),
       "challenge",
       "datadome"},
      {"perimeterx_press_and_hold", 403, {}, PerimeterXPressAndHold(), "challenge", "perimeterx"},
      {"akamai_bot_manager_challenge",
       403,
       {{"server", "AkamaiGHost"}},
       AkamaiBotManagerChallenge(),
       "challenge",
       "akamai"},
      {"imperva_javascript_challenge",
       200,
       {},
       ImpervaJavaScriptChallenge(),
       "challenge",
       "imperva"},
      {"imperva_pardon_our_interruption",
       200,
       {},
       ImpervaPardonOurInterruption(),
       "challenge",
       "imperva"},
      {"sucuri_javascript_challenge",
       200,
       {{"server", "Sucuri/Cloudproxy"}},
       SucuriJavaScriptChallenge(),
       "challenge",
       "sucuri"},
      {"vercel_security_checkpoint",
       429,
       {{"server", "Vercel"}, {"x-vercel-mitigated", "challenge"}},
       VercelSecurityCheckpoint(),
       "challenge",
       "vercel"},
      {"aws_waf_captcha",
       405,
       {{"server", "awselb/2.0"}, {"x-amzn-waf-action", "captcha"}},
       AwsWafCaptcha(),
       "challenge",
       "aws-waf"},
      // Block and rate-limit pages.
      {"cloudflare_error_1020", 403, cloudflare,
       CloudflareErrorPage("1020", "Access denied",
                           "This website is using a security service to protect itself from "
                           "online attacks."),
       "blocked", "cloudflare"},
      {"cloudflare_error_1015", 429, cloudflare,
       CloudflareErrorPage("1015", "You are being rate limited",
                           "The owner of this website (acme.example) has banned you "
                           "temporarily from accessing this website."),
       "blocked", "cloudflare"},
      {"cloudflare_error_1010", 403, cloudflare,
       CloudflareErrorPage("1010", "Access denied",
                           "The owner of this website (acme.example) has banned your access "
                           "based on your browser's signature."),
       "blocked", "cloudflare"},
      {"sucuri_access_denied",
       403,
       {{"server", "Sucuri/Cloudproxy"}, {"x-sucuri-id", "14013"}},
       SucuriAccessDenied(),
       "blocked",
       "sucuri"},
      {"akamai_access_denied",
       403,
       {{"server", "AkamaiGHost"}},
       AkamaiAccessDenied(),
       "blocked",
       "akamai"},
      {"imperva_incident", 200, {}, ImpervaIncident(), "blocked", "imperva"},
      {"imperva_error_15", 403, {}, ImpervaErrorFifteen(), "blocked", "imperva"},
      {"cloudfront_request_blocked",
       403,
       {{"server", "CloudFront"}},
       CloudFrontRequestBlocked(),
       "blocked",
       "cloudfront"},
      {"nginx_403",
       403,
       {{"server", "nginx"}},
       NginxStatusPage("403 Forbidden"),
       "blocked",
       "nginx"},
      {"nginx_429",
       429,
       {{"server", "nginx"}},
       NginxStatusPage("429 Too Many Requests"),
       "blocked",
       "nginx"},
      {"apache_403",
       403,
       {{"server", "Apache/2.4.62 (Debian)"}},
       ApacheStatusPage("403 Forbidden", "Forbidden",
                        "You don't have permission to access this resource."),
       "blocked",
       "apache"},
      {"too_many_requests", 429, {}, PlainTooManyRequests(), "blocked", "generic"},
      // Error pages and servers' default pages.
      {"cloudflare_error_522", 522, cloudflare, CloudflareConnectionTimedOut(), "error_page",
       "cloudflare"},
      {"nginx_502",
       502,
       {{"server", "nginx"}},
       NginxStatusPage("502 Bad Gateway"),
       "error_page",
       "nginx"},
      {"nginx_welcome", 200, {{"server", "nginx/1.22.1"}}, NginxWelcome(), "error_page", "nginx"},
      {"apache_404",
       404,
       {{"server", "Apache/2.4.62 (Debian)"}},
       ApacheStatusPage("404 Not Found", "Not Found",
                        "The requested URL was not found on this server."),
       "error_page",
       "apache"},
      {"apache_it_works",
       200,
       {{"server", "Apache/2.4.62 (Debian)"}},
       ApacheItWorks(),
       "error_page",
       "apache"},
      {"iis_default", 200, {{"server", "Microsoft-IIS/10.0"}}, IisDefault(), "error_page", "iis"},
      {"fastly_unknown_domain",
       500,
       {{"server", "Varnish"}},
       FastlyUnknownDomain(),
       "error_page",
       "fastly"},
      {"varnish_guru_meditation",
       503,
       {{"server", "Varnish"}},
       VarnishGuruMeditation(),
       "error_page",
       "varnish"},
      {"vercel_not_found",
       404,
       {{"server", "Vercel"}},
       VercelNotFound("NOT_FOUND"),
       "error_page",
       "vercel"},
      {"vercel_deployment_not_found",
       404,
       {{"server", "Vercel"}},
       VercelNotFound("DEPLOYMENT_NOT_FOUND"),
       "error_page",
       "vercel"},
      {"netlify_not_found",
       404,
       {{"server", "Netlify"}},
       NetlifyNotFound(),
       "error_page",
       "netlify"},
      {"soft_404", 200, {{"server", "nginx"}}, SoftNotFound(), "error_page", "nginx"},
      // Login walls.
      {"login_wall", 200, {}, LoginWall(), "login_wall", "generic"},
  };
}

}  // namespace

const std::vector<VendorPage>& VendorPages() {
  static const std::vector<VendorPage> pages = MakeVendorPages();
  return pages;
}

const VendorPage& FindVendorPage(const std::string& name) {
  for (const VendorPage& page : VendorPages()) {
    if (page.name == name) return page;
  }
  throw std::out_of_range("no vendor page " + name);
}

std::string PolicyWithVendorScripts(int revision) {
  std::string main = "<article><h1>Privacy Policy</h1><p>Effective 1 May 2026. Revision " +
                     std::to_string(revision) + ".</p>\n";
  for (std::size_t i = 0; i < kSectionTitles.size(); ++i) main += Section(i);
  main +=
      "<p>Write to <a href=\"/cdn-cgi/l/email-protection#a1d1d3c8d7c0c2d8e1c0c2ccc48fc4d9c0ccd1"
      "cdc4\"><span class=\"__cf_email__\" data-cfemail=\"a1d1d3c8d7c0c2d8e1c0c2ccc4\">[email"
      "&#160;protected]</span></a> for any question about this policy.</p></article>\n"
      "<aside><h2>Newsletter</h2><form action=\"/newsletter\" method=\"post\"><input "
      "type=\"email\" name=\"email\"><div class=\"g-recaptcha\" data-sitekey=\"6Lc0a1b2AAAAAC3d4"
      "e5f6g7h8i9j0k1l2m3n4o5p\" data-size=\"invisible\"></div><button>Subscribe</button></form>"
      "<h2>Contact</h2><form action=\"/contact\" method=\"post\"><textarea name=\"message\">"
      "</textarea><div class=\"cf-turnstile\" data-sitekey=\"0x4AAAAAAAB1c2d3e4f5g6h7\"></div>"
      "<button>Send</button></form></aside>";
  return SitePage("Privacy Policy", main);
}

std::string ImprintWithCaptchaForm() {
  return SitePage(
      "Imprint",
      "<h1>Imprint</h1><p>This site is operated by Acme Dating Ltd, a limited company "
      "registered in England and Wales under number 01234567, with its registered office at 1 "
      "Example Street, London EC1A 1AA, United Kingdom. VAT number GB 123 4567 89.</p><p>"
      "Managing directors: Jane Example and John Example. Responsible for content: Jane "
      "Example, at the address above.</p><p>Our data protection officer can be reached at "
      "dpo@acme.example.</p><ul><li>Telephone: +44 20 7946 0000</li><li>Email: "
      "support@acme.example</li><li>Help centre: https://help.acme.example</li></ul><p>Please "
      "also read our Terms of Service for further details about the site and the services "
      "offered.</p><h2>Write to us</h2><form action=\"/contact\" method=\"post\"><textarea "
      "name=\"message\"></textarea><div class=\"g-recaptcha\" data-sitekey=\"6Lc0a1b2AAAAAC3d4"
      "e5f6g7h8i9j0k1l2m3n4o5p\" data-size=\"invisible\"></div><textarea "
      "id=\"g-recaptcha-response\" name=\"g-recaptcha-response\" class=\"g-recaptcha-response\""
      " style=\"display: none;\"></textarea><button>Send</button></form>");
}

}  // namespace policyd::testing
