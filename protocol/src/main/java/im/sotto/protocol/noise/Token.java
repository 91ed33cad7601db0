package im.sotto.protocol.noise;

/** The tokens of a Noise message pattern (Noise rev 34, section 7). */
public enum Token {
    E, S, EE, ES, SE, SS, PSK
}
