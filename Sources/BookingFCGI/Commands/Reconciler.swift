import Storage

/// Finds payments left `charging` by a crash between the charge and the confirming
/// transaction (DESIGN.md, payment) and refunds them. Their holds expire on their own.
enum Reconciler {
    static func refundStrandedPayments(services: Services, olderThan age: Int) throws -> Int {
        var refunded = 0
        for id in try services.venues.allIDs() {
            guard let store = try services.venues.store(id) else { continue }
            for intent in try store.strandedPayments(olderThan: services.now() - age) {
                BookingsController.refund(paymentID: intent.paymentID, store: store, services: services,
                                          amount: intent.amount, currency: intent.currency)
                services.log.info("refunded stranded payment", ["venue": id.value, "payment": intent.paymentID])
                refunded += 1
            }
        }
        return refunded
    }
}
