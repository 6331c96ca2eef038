/* A remote analyzer's side of policyd's JetStream stream (docs/EVENTS.md, "Events in NATS"):
 * a durable pull consumer that reads policyd's events in order, acknowledges each one after
 * handling it, and so resumes where it stopped after a restart. With a start sequence it
 * replays from there instead (a new durable name: a durable keeps its position).
 *
 *   nats_consumer URL STREAM DURABLE [START_STREAM_SEQ]
 *   nats_consumer nats://127.0.0.1:4222 POLICYD_EVENTS analyzer
 *   nats_consumer nats://127.0.0.1:4222 POLICYD_EVENTS replay-from-120 120
 *
 * Prints one line per event (stream sequence, policyd seq, type, subject, then the event's
 * JSON) and stops after 5 seconds without a new one. Built with the project (CMake target
 * nats_consumer) so that it keeps compiling against the cnats it documents. */
#include <nats/nats.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *Header(natsMsg *msg, const char *name) {
  const char *value = NULL;
  return natsMsgHeader_Get(msg, name, &value) == NATS_OK && value != NULL ? value : "-";
}

static int Fail(const char *what, natsStatus status, jsErrCode code) {
  fprintf(stderr, "nats_consumer: %s: %s (JetStream error %d)\n", what,
          natsStatus_GetText(status), (int)code);
  return 1;
}

/* Handles one event: here it is printed; an analyzer stores or processes it. The policyd
 * seq (also in the body's "seq") with the node (Policyd-Node) names the event uniquely. */
static void Handle(natsMsg *msg) {
  jsMsgMetaData *meta = NULL;
  unsigned long long stream_seq = 0;
  if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) stream_seq = meta->Sequence.Stream;
  jsMsgMetaData_Destroy(meta);
  printf("%llu %s %s %s\n%.*s\n", stream_seq, Header(msg, "Policyd-Event-Seq"),
         Header(msg, "Policyd-Event-Type"), natsMsg_GetSubject(msg),
         natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
}

int main(int argc, char **argv) {
  if (argc < 4 || argc > 5) {
    fprintf(stderr, "usage: nats_consumer URL STREAM DURABLE [START_STREAM_SEQ]\n");
    return 64;
  }
  natsConnection *connection = NULL;
  jsCtx *js = NULL;
  natsSubscription *subscription = NULL;
  jsErrCode code = 0;
  int result = 0;
  natsStatus s = natsConnection_ConnectTo(&connection, argv[1]);
  if (s == NATS_OK) s = natsConnection_JetStream(&js, connection, NULL);
  if (s != NATS_OK) {
    result = Fail("connect", s, code);
  } else {
    jsSubOptions options;
    jsSubOptions_Init(&options);
    options.Stream = argv[2];
    options.Config.AckPolicy = js_AckExplicit;  /* the position moves only on an ack */
    options.Config.DeliverPolicy = js_DeliverAll;
    if (argc == 5) {
      options.Config.DeliverPolicy = js_DeliverByStartSequence;
      options.Config.OptStartSeq = strtoull(argv[4], NULL, 10);
    }
    /* Every subject of the stream; "policyd.events.acme.>" would take one platform only. */
    s = js_PullSubscribe(&subscription, js, "policyd.events.>", argv[3], NULL, &options, &code);
    if (s != NATS_OK) result = Fail("subscribe", s, code);
  }
  while (result == 0) {
    natsMsgList batch = {0};
    s = natsSubscription_Fetch(&batch, subscription, 64, 5000, &code);
    if (s == NATS_TIMEOUT) break; /* caught up */
    if (s != NATS_OK) {
      result = Fail("fetch", s, code);
      break;
    }
    for (int i = 0; i < batch.Count; ++i) {
      Handle(batch.Msgs[i]);
      natsMsg_Ack(batch.Msgs[i], NULL); /* after handling: a crash before it redelivers */
    }
    natsMsgList_Destroy(&batch);
  }
  natsSubscription_Destroy(subscription);
  jsCtx_Destroy(js);
  natsConnection_Destroy(connection);
  return result;
}
