"""Queue consumers: one handler per job kind, run by FastStream on RabbitMQ or by the in-process broker."""
