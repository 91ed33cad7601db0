package im.sotto.cli;

import im.sotto.protocol.link.LinkException;

/** One line for each way a link fails, on either device. Nothing is linked in any of them. */
final class LinkFailures {
    private LinkFailures() {
    }

    static CliException notLinked(LinkException e, String retry) {
        String why;
        switch (e.failure()) {
            case WRONG_CODE:
                why = e.reportedByPeer() ? "the approving device says the code did not match"
                        : "the code did not match (a typo, or a device in between that does not know it)";
                break;
            case EXPIRED:
                why = "the link code expired";
                break;
            case ALREADY_USED:
                why = "the link code was used already (each code links once)";
                break;
            case NOT_A_CODE:
                return new CliException(ExitCode.USAGE, e.getMessage());
            default:
                why = (e.reportedByPeer() ? "the other device refused a link message: " : "a link message was "
                        + "refused: ") + e.getMessage();
                break;
        }
        return new CliException(ExitCode.NOT_LINKED, "not linked: " + why + "; nothing was linked. " + retry, e);
    }
}
