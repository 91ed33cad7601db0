/**
 * The harness the demo and the XMPP integration tests share: a {@link im.sotto.harness.RecordingRelay} that stands
 * between clients and a server and records what the server sees, {@link im.sotto.harness.Secrets} to look for keys
 * and plaintexts in those bytes, and a {@link im.sotto.harness.Party}'s inbox and events. It ships in the cli jar
 * (the demo runs it for users), so it depends on the protocol core only; see this module's pom.
 */
package im.sotto.harness;
