package im.sotto.xmpp.omemo2;

import org.jivesoftware.smack.provider.ProviderManager;

/** Registers the OMEMO 2 providers with Smack's global {@link ProviderManager}. Idempotent. */
public final class Omemo2Providers {
    private static volatile boolean registered;

    private Omemo2Providers() {
    }

    public static synchronized void register() {
        if (registered) {
            return;
        }
        ProviderManager.addExtensionProvider(Omemo2Encrypted.ELEMENT, Omemo2Names.NAMESPACE,
                Omemo2EncryptedProvider.INSTANCE);
        ProviderManager.addExtensionProvider(Omemo2DeviceList.ELEMENT, Omemo2Names.NAMESPACE,
                Omemo2DeviceList.Provider.INSTANCE);
        ProviderManager.addExtensionProvider(Omemo2BundleElement.ELEMENT, Omemo2Names.NAMESPACE,
                Omemo2BundleElement.Provider.INSTANCE);
        registered = true;
    }
}
