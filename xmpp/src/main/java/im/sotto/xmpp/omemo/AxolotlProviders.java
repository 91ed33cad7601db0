package im.sotto.xmpp.omemo;

import org.jivesoftware.smack.provider.ProviderManager;

/** Registers the OMEMO 0.3 providers with Smack's global {@link ProviderManager}. Idempotent. */
public final class AxolotlProviders {
    private static volatile boolean registered;

    private AxolotlProviders() {
    }

    public static synchronized void register() {
        if (registered) {
            return;
        }
        ProviderManager.addExtensionProvider(AxolotlEncrypted.ELEMENT, Axolotl.NAMESPACE,
                AxolotlEncryptedProvider.INSTANCE);
        ProviderManager.addExtensionProvider(AxolotlDeviceList.ELEMENT, Axolotl.NAMESPACE,
                AxolotlDeviceListProvider.INSTANCE);
        ProviderManager.addExtensionProvider(AxolotlBundle.ELEMENT, Axolotl.NAMESPACE,
                AxolotlBundleProvider.INSTANCE);
        registered = true;
    }
}
