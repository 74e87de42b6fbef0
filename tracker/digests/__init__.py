"""Digests, one package above the services: building and rendering them (`data`, `render`,
`ondemand`), their schedules and cron times (`schedules`, `cron`), claiming and delivering a
period (`runs`, `delivery`) and the daemon (`scheduler`).

It reads through `tracker.services` (views, owners) and the tables; nothing below imports it.
Kept free of imports, so that naming a module here loads only that module.
"""
