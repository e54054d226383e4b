"""Planted secrets of the provider families that gen_corpus.py's own list does
not cover: one entry per family, each token generated in the provider's
documented format (prefix, length, alphabet). Imported by gen_corpus.py.

FAMILIES: (provider, count, variable names, generator(R), context) where
context=True means the token has no prefix of its own and is only a secret by
its name, so it is kept out of formats that put the name and the value on
different lines (Kubernetes env lists) or in attributes (XML appSettings).
"""
import base64
import string
import uuid

B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
HEX = "0123456789abcdef"
UHEX = HEX.upper()
LOWAN = string.ascii_lowercase + string.digits
UPAN = string.ascii_uppercase + string.digits
URL = B62 + "-_"
B64 = B62 + "+/"
DIGITS = string.digits
BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"


def pick(R, alphabet, n):
    return "".join(R.choice(alphabet) for _ in range(n))


def b64(R, nbytes):
    return base64.b64encode(bytes(R.getrandbits(8) for _ in range(nbytes))).decode()


def uid(R):
    return str(uuid.UUID(int=R.getrandbits(128), version=4))


def p(prefix, alphabet, n, suffix=""):
    return lambda R: prefix + pick(R, alphabet, n) + suffix


def parts(*pieces):
    """Concatenate generators and literal strings."""
    return lambda R: "".join(x if isinstance(x, str) else x(R) for x in pieces)


def ex(name):
    """Names of a crypto exchange's API secret."""
    return [f"{name}_API_SECRET", f"{name}_SECRET_KEY", f"{name}_SECRET"]


FAMILIES = [
    # cloud
    ("alibaba", 3, ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIYUN_ACCESS_KEY_ID"], p("LTAI", B62, 20), False),
    ("azure-ad", 4, ["AZURE_CLIENT_SECRET", "AAD_CLIENT_SECRET"], parts(p("", B62, 3), p("", DIGITS, 1), "Q~", p("", URL + "~.", 34)), False),
    ("azure-devops", 3, ["AZURE_DEVOPS_PAT", "ADO_TOKEN"], parts(p("", B62, 76), "AZDO", p("", B62, 4)), False),
    ("ibm-cloud", 3, ["IBMCLOUD_API_KEY", "IBM_CLOUD_API_KEY"], p("", URL, 44), True),
    ("oracle-oci", 3, ["OCI_SECRET_ACCESS_KEY", "OCI_CUSTOMER_SECRET_KEY"], lambda R: b64(R, 32), True),
    ("cloudflare", 4, ["CLOUDFLARE_API_TOKEN", "CF_API_TOKEN"], p("", URL, 40), True),
    ("digitalocean-spaces", 2, ["DO_SPACES_SECRET", "SPACES_SECRET_KEY"], p("", B64, 43), True),
    ("heroku", 3, ["HEROKU_API_KEY"], p("HRKU-", URL, 60), False),
    ("flyio", 3, ["FLY_API_TOKEN", "FLY_ACCESS_TOKEN"], p("fo1_", URL, 43), False),
    ("vercel", 3, ["VERCEL_TOKEN"], p("vcp_", B62, 56), False),
    ("netlify", 3, ["NETLIFY_AUTH_TOKEN"], p("nfp_", B62, 40), True),
    # source control and CI
    ("gitlab-runner", 2, ["CI_RUNNER_TOKEN", "RUNNER_AUTH_TOKEN"], p("glrt-", URL, 20), False),
    ("bitbucket", 4, ["BITBUCKET_APP_PASSWORD", "BB_APP_PASSWORD"], parts("ATBB", p("", B62, 32)), False),
    ("circleci", 3, ["CIRCLECI_TOKEN", "CIRCLE_TOKEN"], parts("CCIPAT_", p("", B62, 22), "_", p("", HEX, 40)), False),
    ("buildkite", 3, ["BUILDKITE_API_TOKEN", "BUILDKITE_TOKEN"], p("bkua_", HEX, 40), False),
    ("travis", 3, ["TRAVIS_API_TOKEN", "TRAVIS_TOKEN"], p("", URL, 22), True),
    ("jenkins", 3, ["JENKINS_API_TOKEN", "JENKINS_TOKEN"], p("11", HEX, 32), True),
    ("sonarqube", 2, ["SONAR_TOKEN"], p("squ_", HEX, 40), False),
    ("doppler", 2, ["DOPPLER_TOKEN"], p("dp.st.prd.", B62, 43), False),
    # AI
    ("cohere", 3, ["COHERE_API_KEY", "CO_API_KEY"], p("", B62, 40), True),
    ("mistral", 3, ["MISTRAL_API_KEY"], p("", B62, 32), True),
    ("deepseek", 3, ["DEEPSEEK_API_KEY"], p("sk-", HEX, 32), True),
    ("groq", 3, ["GROQ_API_KEY"], p("gsk_", B62, 52), False),
    ("replicate", 3, ["REPLICATE_API_TOKEN"], p("r8_", B62, 37), False),
    ("perplexity", 3, ["PERPLEXITY_API_KEY", "PPLX_API_KEY"], p("pplx-", B62, 48), False),
    ("xai", 2, ["XAI_API_KEY", "GROK_API_KEY"], p("xai-", B62, 80), False),
    ("openrouter", 2, ["OPENROUTER_API_KEY"], p("sk-or-v1-", HEX, 64), False),
    ("langsmith", 2, ["LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"], parts("lsv2_pt_", p("", HEX, 32), "_", p("", HEX, 10)), False),
    ("together", 2, ["TOGETHER_API_KEY"], p("tgp_v1_", URL, 43), False),
    ("fireworks", 2, ["FIREWORKS_API_KEY"], p("fw_", B62, 24), False),
    ("elevenlabs", 2, ["ELEVENLABS_API_KEY", "XI_API_KEY"], p("sk_", HEX, 48), False),
    ("pinecone", 2, ["PINECONE_API_KEY"], parts("pcsk_", p("", B62, 6), "_", p("", B62, 63)), False),
    ("cerebras", 2, ["CEREBRAS_API_KEY"], p("csk-", LOWAN, 48), False),
    ("assemblyai", 2, ["ASSEMBLYAI_API_KEY"], p("", HEX, 32), True),
    # payments
    ("stripe-webhook", 2, ["STRIPE_WEBHOOK_SECRET"], p("whsec_", B62, 32), False),
    ("square", 3, ["SQUARE_ACCESS_TOKEN"], p("EAAA", URL, 60), False),
    ("paypal", 3, ["PAYPAL_CLIENT_SECRET"], p("E", URL, 79), True),
    ("braintree", 3, ["BRAINTREE_ACCESS_TOKEN"], parts("access_token$production$", p("", LOWAN, 16), "$", p("", HEX, 32)), False),
    ("adyen", 3, ["ADYEN_API_KEY"], parts("AQE", p("", B64, 120), "=-", lambda R: b64(R, 32), "-", p("", B62, 16)), False),
    ("razorpay", 3, ["RAZORPAY_KEY_SECRET", "RAZORPAY_SECRET"], p("", B62, 24), True),
    ("plaid", 2, ["PLAID_SECRET"], p("", HEX, 30), True),
    ("paddle", 2, ["PADDLE_API_KEY"], parts("pdl_live_apikey_", p("", LOWAN, 26), "_", p("", B62, 22), "_", p("", B62, 3)), False),
    ("flutterwave", 2, ["FLW_SECRET_KEY", "FLUTTERWAVE_SECRET_KEY"], parts("FLWSECK-", p("", HEX, 32), "-X"), False),
    ("mollie", 2, ["MOLLIE_API_KEY"], p("live_", B62, 30), True),
    # messaging and email
    ("discord", 3, ["DISCORD_WEBHOOK_URL"], parts("https://discord.com/api/webhooks/", p("", DIGITS, 19), "/", p("", URL, 68)), False),
    ("mailchimp", 3, ["MAILCHIMP_API_KEY"], parts(p("", HEX, 32), "-us", p("", "123456789", 1)), False),
    ("postmark", 2, ["POSTMARK_SERVER_TOKEN", "POSTMARK_API_TOKEN"], uid, True),
    ("brevo", 2, ["BREVO_API_KEY", "SENDINBLUE_API_KEY"], parts("xkeysib-", p("", HEX, 64), "-", p("", B62, 16)), False),
    ("resend", 2, ["RESEND_API_KEY"], parts("re_", p("", B62, 8), "_", p("", B62, 24)), False),
    ("mailjet", 2, ["MJ_APIKEY_PRIVATE", "MAILJET_SECRET_KEY"], p("", HEX, 32), True),
    ("sparkpost", 2, ["SPARKPOST_API_KEY"], p("", HEX, 40), True),
    ("mandrill", 2, ["MANDRILL_API_KEY"], p("md-", URL, 22), True),
    ("vonage", 2, ["VONAGE_API_SECRET", "NEXMO_API_SECRET"], p("", B62, 16), True),
    ("plivo", 2, ["PLIVO_AUTH_TOKEN"], p("", B62, 40), True),
    ("messagebird", 2, ["MESSAGEBIRD_ACCESS_KEY"], p("", B62, 25), True),
    ("pusher", 2, ["PUSHER_APP_SECRET"], p("", HEX, 20), True),
    ("ably", 2, ["ABLY_API_KEY"], parts(p("", URL, 6), ".", p("", URL, 6), ":", p("", URL, 43)), False),
    ("microsoft-teams", 2, ["TEAMS_WEBHOOK_URL"], parts("https://acme.webhook.office.com/webhookb2/", uid, "@", uid, "/IncomingWebhook/", p("", HEX, 32), "/", uid), False),
    # observability
    ("newrelic", 3, ["NEW_RELIC_API_KEY", "NEWRELIC_USER_KEY"], p("NRAK-", UPAN, 27), False),
    ("sentry", 3, ["SENTRY_AUTH_TOKEN"], p("sntryu_", HEX, 64), False),
    ("grafana", 3, ["GRAFANA_TOKEN", "GRAFANA_SA_TOKEN"], parts("glsa_", p("", B62, 32), "_", p("", HEX, 8)), False),
    ("dynatrace", 2, ["DT_API_TOKEN", "DYNATRACE_API_TOKEN"], parts("dt0c01.", p("", UPAN, 24), ".", p("", UPAN, 64)), False),
    ("pagerduty", 2, ["PAGERDUTY_API_KEY", "PD_API_TOKEN"], p("u+", URL, 18), True),
    ("honeycomb", 2, ["HONEYCOMB_API_KEY"], p("hcaik_", LOWAN, 58), False),
    ("rollbar", 2, ["ROLLBAR_ACCESS_TOKEN"], p("", HEX, 32), True),
    ("bugsnag", 2, ["BUGSNAG_API_KEY"], p("", HEX, 32), True),
    ("splunk", 2, ["SPLUNK_HEC_TOKEN"], uid, True),
    ("opsgenie", 2, ["OPSGENIE_API_KEY"], uid, True),
    ("sumologic", 2, ["SUMO_ACCESS_KEY", "SUMOLOGIC_ACCESS_KEY"], p("", B62, 64), True),
    # package registries
    ("rubygems", 2, ["GEM_HOST_API_KEY", "RUBYGEMS_API_KEY"], p("rubygems_", HEX, 48), False),
    ("nuget", 2, ["NUGET_API_KEY"], p("oy2", LOWAN, 43), False),
    ("crates-io", 2, ["CARGO_REGISTRY_TOKEN"], p("cio", B62, 32), False),
    ("docker-hub", 3, ["DOCKERHUB_TOKEN", "DOCKER_PASSWORD"], p("dckr_pat_", URL, 27), False),
    ("clojars", 1, ["CLOJARS_PASSWORD"], p("CLOJARS_", LOWAN, 60), False),
    ("jfrog", 2, ["ARTIFACTORY_API_KEY", "JFROG_API_KEY"], p("AKCp", B62, 69), False),
    # SaaS
    ("atlassian", 3, ["JIRA_API_TOKEN", "ATLASSIAN_API_TOKEN"], parts("ATATT3xFfGF0", p("", URL, 170), "=", p("", UHEX, 8)), False),
    ("linear", 2, ["LINEAR_API_KEY"], p("lin_api_", B62, 40), False),
    ("notion", 2, ["NOTION_TOKEN", "NOTION_API_KEY"], p("ntn_", B62, 46), False),
    ("airtable", 2, ["AIRTABLE_TOKEN", "AIRTABLE_PAT"], parts("pat", p("", B62, 14), ".", p("", HEX, 64)), False),
    ("hubspot", 2, ["HUBSPOT_ACCESS_TOKEN"], parts("pat-na1-", uid), False),
    ("salesforce", 2, ["SALESFORCE_CONSUMER_SECRET", "SFDC_CLIENT_SECRET"], p("", UHEX, 64), True),
    ("okta", 2, ["OKTA_API_TOKEN"], p("00", URL, 40), True),
    ("auth0", 3, ["AUTH0_CLIENT_SECRET"], p("", URL, 64), True),
    ("twitch", 2, ["TWITCH_CLIENT_SECRET"], p("", LOWAN, 30), True),
    ("zendesk", 2, ["ZENDESK_API_TOKEN"], p("", B62, 40), True),
    ("intercom", 2, ["INTERCOM_ACCESS_TOKEN"], lambda R: base64.b64encode(("tok:" + uid(R) + ":1:0").encode()).decode(), False),
    ("asana", 2, ["ASANA_ACCESS_TOKEN", "ASANA_PAT"], parts("2/", p("", DIGITS, 16), "/", p("", DIGITS, 16), ":", p("", HEX, 32)), False),
    ("clickup", 2, ["CLICKUP_API_TOKEN"], parts("pk_", p("", DIGITS, 8), "_", p("", UPAN, 32)), False),
    ("typeform", 2, ["TYPEFORM_TOKEN"], parts("tfp_", p("", URL, 44), "_", p("", B62, 14)), False),
    ("dropbox", 2, ["DROPBOX_ACCESS_TOKEN"], p("sl.", URL, 138), False),
    ("launchdarkly", 2, ["LAUNCHDARKLY_SDK_KEY"], parts("sdk-", uid), False),
    ("snyk", 2, ["SNYK_TOKEN"], uid, True),
    ("codecov", 2, ["CODECOV_TOKEN"], uid, True),
    ("segment", 2, ["SEGMENT_WRITE_KEY"], p("", B62, 32), True),
    ("mixpanel", 2, ["MIXPANEL_API_SECRET"], p("", B62, 32), True),
    ("sanity", 2, ["SANITY_API_TOKEN", "SANITY_AUTH_TOKEN"], p("sk", B62, 180), True),
    ("shopify", 0, [], None, False),
    ("figma", 2, ["FIGMA_TOKEN"], p("figd_", URL, 40), False),
    ("contentful", 2, ["CONTENTFUL_MANAGEMENT_TOKEN"], p("CFPAT-", URL, 43), False),
    ("postman", 2, ["POSTMAN_API_KEY"], parts("PMAK-", p("", HEX, 24), "-", p("", HEX, 34)), False),
    ("mapbox", 2, ["MAPBOX_SECRET_TOKEN"], parts("sk.eyJ1IjoiYWNtZS", p("", URL, 40), ".", p("", URL, 22)), False),
    ("algolia", 2, ["ALGOLIA_ADMIN_KEY", "ALGOLIA_ADMIN_API_KEY"], p("", HEX, 32), True),
    ("databricks", 2, ["DATABRICKS_TOKEN"], p("dapi", HEX, 32), False),
    ("planetscale", 2, ["PLANETSCALE_TOKEN"], p("pscale_tkn_", URL, 43), False),
    ("supabase", 2, ["SUPABASE_ACCESS_TOKEN"], p("sbp_", HEX, 40), False),
    ("twitter", 2, ["TWITTER_BEARER_TOKEN"], parts("AAAAAAAAAAAAAAAAAAAAA", p("", B62, 30), "%3D", p("", B62, 50)), False),
    # infrastructure
    ("vault", 3, ["VAULT_TOKEN"], p("hvs.", URL, 90), False),
    ("terraform", 2, ["TFE_TOKEN", "TF_API_TOKEN"], parts(p("", B62, 14), ".atlasv1.", p("", B62, 67)), False),
    ("pulumi", 2, ["PULUMI_ACCESS_TOKEN"], p("pul-", HEX, 40), False),
    ("tailscale", 2, ["TS_AUTHKEY", "TAILSCALE_AUTH_KEY"], parts("tskey-auth-", p("", B62, 12), "-", p("", B62, 32)), False),
    ("onepassword", 1, ["OP_SERVICE_ACCOUNT_TOKEN"], p("ops_eyJzaWduSW5BZGRyZXNzIjoi", B62, 300), False),
    ("age", 2, ["SOPS_AGE_KEY", "AGE_SECRET_KEY"], p("AGE-SECRET-KEY-1", BECH32, 58), False),
    ("consul", 2, ["CONSUL_HTTP_TOKEN"], uid, True),
    ("kong", 3, ["KONNECT_TOKEN", "DECK_KONNECT_TOKEN"], p("kpat_", B62, 49), False),
    # crypto exchanges (no prefix: found by name)
    ("binance", 4, ex("BINANCE"), p("", B62, 64), True),
    ("coinbase", 3, ex("COINBASE"), p("", B62, 32), True),
    ("kraken", 3, ["KRAKEN_PRIVATE_KEY", "KRAKEN_API_SECRET"], lambda R: b64(R, 64), True),
    ("bitflyer", 3, ex("BITFLYER"), lambda R: b64(R, 32), True),
    ("coincheck", 3, ex("COINCHECK"), p("", B62, 32), True),
    ("bitbank", 3, ex("BITBANK"), p("", HEX, 64), True),
    ("gmo-coin", 3, ex("GMO_COIN"), p("", B64, 64), True),
]
FAMILIES = [f for f in FAMILIES if f[1]]

# Multi-line and code shapes the key=value renderer does not produce:
# (provider, path template, lines template); {t} is the secret, on the
# line(s) that also carry the marker "@@" (removed when written).
EXCHANGE_CLIENTS = [
    ("binance", "services/{svc}/trading/binance_client.py", p("", B62, 64),
     ["import ccxt", "", "exchange = ccxt.binance({{", "    'apiKey': '{k}',", "    'secret': '{t}',@@", "}})"]),
    ("coinbase", "services/{svc}/trading/coinbase.py", p("", B62, 32),
     ["from coinbase.rest import RESTClient", "", 'client = RESTClient(api_key="{k}", api_secret="{t}")@@']),
    ("kraken", "services/{svc}/trading/kraken.py", lambda R: b64(R, 64),
     ["import krakenex", "", "api = krakenex.API('{k}', '{t}')@@"]),
    ("bitflyer", "services/{svc}/trading/bitflyer.py", lambda R: b64(R, 32),
     ["import pybitflyer", "", 'api = pybitflyer.API(api_key="{k}", api_secret="{t}")@@']),
    ("coincheck", "services/{svc}/trading/coincheck_client.py", p("", B62, 32),
     ["from coincheck import Coincheck", "", 'client = Coincheck(access_key="{k}", secret_key="{t}")@@']),
    ("bitbank", "config/exchanges/{env}.ini", p("", HEX, 64),
     ["[bitbank]", "api_key = {k}", "api_secret = {t}@@", "", "[logging]", "level = info"]),
    ("gmo-coin", "config/exchanges/gmo_{env}.yml", p("", B64, 64),
     ["gmo_coin:", "  api_key: {k}", "  secret: {t}@@", "  endpoint: https://api.coin.z.com/private"]),
]
