package im.sotto.xmpp;

import im.sotto.xmpp.element.ExplicitEncryption;
import im.sotto.xmpp.element.ExplicitEncryptionProvider;
import im.sotto.xmpp.element.ProcessingHint;
import im.sotto.xmpp.element.ProcessingHintProvider;
import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.element.SottoEncryptedIqProvider;
import im.sotto.xmpp.element.SottoEncryptedProvider;
import im.sotto.xmpp.pep.BundleElement;
import im.sotto.xmpp.pep.BundleElementProvider;
import im.sotto.xmpp.pep.DeviceListElement;
import im.sotto.xmpp.pep.DeviceListElementProvider;

import org.jivesoftware.smack.provider.ProviderManager;

/**
 * Registers Sotto's providers with Smack's global {@link ProviderManager}. Idempotent; called by every Sotto
 * entry point, so applications never have to remember a call order.
 */
public final class SottoProviders {
    private static volatile boolean registered;

    private SottoProviders() {
    }

    public static synchronized void register() {
        if (registered) {
            return;
        }
        ProviderManager.addExtensionProvider(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE,
                SottoEncryptedProvider.INSTANCE);
        ProviderManager.addIQProvider(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE,
                SottoEncryptedIqProvider.INSTANCE);
        ProviderManager.addExtensionProvider(ExplicitEncryption.ELEMENT, ExplicitEncryption.NAMESPACE,
                ExplicitEncryptionProvider.INSTANCE);
        for (ProcessingHint hint : ProcessingHint.values()) {
            ProviderManager.addExtensionProvider(hint.getElementName(), ProcessingHint.NAMESPACE,
                    new ProcessingHintProvider(hint));
        }
        ProviderManager.addExtensionProvider(BundleElement.ELEMENT, BundleElement.NAMESPACE,
                BundleElementProvider.INSTANCE);
        for (String statements : java.util.List.of(im.sotto.xmpp.pep.StatementListElement.REVOCATIONS,
                im.sotto.xmpp.pep.StatementListElement.LABELS,
                im.sotto.xmpp.pep.StatementListElement.OMEMO_SIDES)) {
            ProviderManager.addExtensionProvider(statements, im.sotto.xmpp.pep.StatementListElement.NAMESPACE,
                    im.sotto.xmpp.pep.StatementListElementProvider.INSTANCE);
        }
        ProviderManager.addExtensionProvider(DeviceListElement.ELEMENT, DeviceListElement.NAMESPACE,
                DeviceListElementProvider.INSTANCE);
        registered = true;
    }
}
