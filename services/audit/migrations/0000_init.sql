CREATE TABLE "attempt_cursors" (
	"app_id" text NOT NULL,
	"endpoint_id" text NOT NULL,
	"read_until" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "attempt_cursors_app_id_endpoint_id_pk" PRIMARY KEY("app_id","endpoint_id")
);
--> statement-breakpoint
CREATE TABLE "delivery_attempts" (
	"attempt_id" text PRIMARY KEY NOT NULL,
	"message_id" text NOT NULL,
	"endpoint_id" text NOT NULL,
	"app_id" text NOT NULL,
	"event_type" text,
	"event_id" text,
	"sid" text,
	"status" smallint NOT NULL,
	"response_status_code" integer NOT NULL,
	"trigger_type" smallint NOT NULL,
	"attempted_at" timestamp with time zone NOT NULL,
	"response_duration_ms" integer NOT NULL,
	"latency_seconds" double precision,
	"stored_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "endpoint_states" (
	"endpoint_id" text PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"failing_since" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gateway_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"event_type" text NOT NULL,
	"event_time" timestamp with time zone NOT NULL,
	"sid" text,
	"key" text NOT NULL,
	"org_id" text NOT NULL,
	"connection_name" text,
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"offset" text NOT NULL,
	"stored_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hook_executions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "hook_executions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"event_time" timestamp with time zone NOT NULL,
	"sid" text NOT NULL,
	"org_id" text NOT NULL,
	"hook" text NOT NULL,
	"hook_path" text NOT NULL,
	"git_commit" text,
	"outcome" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"duration_ms" double precision NOT NULL,
	"exit_code" integer,
	"signal" text,
	"timed_out" boolean NOT NULL,
	"skipped_reason" text,
	"error" text,
	"stdout_text" text NOT NULL,
	"stdout_truncated" boolean NOT NULL,
	"stdout_bytes" integer NOT NULL,
	"stderr_text" text NOT NULL,
	"stderr_truncated" boolean NOT NULL,
	"stderr_bytes" integer NOT NULL,
	"payload_truncated" boolean NOT NULL,
	"stored_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operational_webhooks" (
	"svix_id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"app_id" text,
	"endpoint_id" text,
	"message_id" text,
	"event_id" text,
	"payload" jsonb NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "svix_publications" (
	"event_id" text PRIMARY KEY NOT NULL,
	"event_type" text NOT NULL,
	"event_time" timestamp with time zone NOT NULL,
	"key" text NOT NULL,
	"sid" text,
	"org_id" text NOT NULL,
	"connection_name" text,
	"svix_app_id" text NOT NULL,
	"svix_message_id" text NOT NULL,
	"already_published" boolean NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"stored_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "delivery_attempts_endpoint_idx" ON "delivery_attempts" USING btree ("endpoint_id","attempted_at");--> statement-breakpoint
CREATE INDEX "delivery_attempts_time_idx" ON "delivery_attempts" USING btree ("attempted_at","attempt_id");--> statement-breakpoint
CREATE INDEX "delivery_attempts_message_idx" ON "delivery_attempts" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "delivery_attempts_event_idx" ON "delivery_attempts" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "delivery_attempts_sid_idx" ON "delivery_attempts" USING btree ("sid");--> statement-breakpoint
CREATE INDEX "gateway_events_sid_idx" ON "gateway_events" USING btree ("sid","event_time");--> statement-breakpoint
CREATE INDEX "gateway_events_time_idx" ON "gateway_events" USING btree ("event_time");--> statement-breakpoint
CREATE UNIQUE INDEX "hook_executions_run_uq" ON "hook_executions" USING btree ("event_id","hook","started_at");--> statement-breakpoint
CREATE INDEX "hook_executions_sid_idx" ON "hook_executions" USING btree ("sid","started_at");--> statement-breakpoint
CREATE INDEX "hook_executions_started_idx" ON "hook_executions" USING btree ("started_at","id");--> statement-breakpoint
CREATE INDEX "operational_webhooks_endpoint_idx" ON "operational_webhooks" USING btree ("endpoint_id","received_at");--> statement-breakpoint
CREATE INDEX "operational_webhooks_received_idx" ON "operational_webhooks" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "svix_publications_sid_idx" ON "svix_publications" USING btree ("sid");--> statement-breakpoint
CREATE INDEX "svix_publications_message_idx" ON "svix_publications" USING btree ("svix_message_id");--> statement-breakpoint
CREATE INDEX "svix_publications_published_idx" ON "svix_publications" USING btree ("published_at");