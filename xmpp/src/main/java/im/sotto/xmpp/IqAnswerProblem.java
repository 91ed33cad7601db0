package im.sotto.xmpp;

/** Why an encrypted iq answer was not taken as the answer to the request with its id. */
public enum IqAnswerProblem {
    /** It could not be decrypted (garbage, or for a session we do not hold): dropped, no session healed for it. */
    UNDECRYPTABLE,
    /** Its outer sender, its session's account or its envelope is not the JID the request was sent to. */
    NOT_THE_ADDRESSEE,
    /** It opened under a session with a device of that account other than the one the request was sent to. */
    OTHER_DEVICE,
    /** What it carries is not an iq result or error. */
    NOT_AN_ANSWER
}
