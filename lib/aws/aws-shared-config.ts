import { NODE_APP_ID_CONFIG_OPTIONS } from "@aws-sdk/core/client";
import { NODE_AUTH_SCHEME_PREFERENCE_OPTIONS } from "@aws-sdk/core/httpAuthSchemes";
import { loadConfig, NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS, NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS } from "@smithy/core/config";

/**
 * The SDK's own settings chains (environment, then ~/.aws/config, then default) for FIPS, dual-stack,
 * app id and auth-scheme preference, resolved once per process instead of once per client. Each
 * client resolving them itself throws and catches a ProviderError per missing variable; with the
 * thousands of per-account, per-region clients of a discovery run that stack capture cost more CPU
 * than the AWS calls. Same values, same precedence.
 */
const holder = globalThis as unknown as { __jitAwsShared?: ReturnType<typeof build> };

function build() {
  return {
    useFipsEndpoint: loadConfig(NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS),
    useDualstackEndpoint: loadConfig(NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS),
    userAgentAppId: loadConfig(NODE_APP_ID_CONFIG_OPTIONS),
    authSchemePreference: loadConfig(NODE_AUTH_SCHEME_PREFERENCE_OPTIONS),
  };
}

export function sharedAwsConfig() {
  return (holder.__jitAwsShared ??= build());
}
