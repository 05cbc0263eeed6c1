/// `booking-fcgi`: `serve` runs the pool (master + workers), `worker` is how the master starts
/// each worker, `notifier` the after-commit work; the operator commands sit beside them.
BookingCommand.main()
