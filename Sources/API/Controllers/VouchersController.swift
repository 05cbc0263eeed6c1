import FastCGIServer
import FoundationEssentials
import Storage

/// Vouchers of an event (its venue's owner, admin): create, list with their uses, delete.
enum VouchersController {
    struct CreateBody: Decodable {
        let code: String
        let percentOff: Int?
        let amountOff: Int?
        let price: Int?
        let sections: [String]?
        let maxUses: Int?
        let maxUsesPerCustomer: Int?
        let validFrom: Date?
        let validUntil: Date?

        /// Exactly one of the three kinds.
        func discount() throws -> VoucherDiscount {
            let kinds = [percentOff.map(VoucherDiscount.percentOff), amountOff.map(VoucherDiscount.amountOff), price.map(VoucherDiscount.price)]
                .compactMap { $0 }
            guard kinds.count == 1 else { throw APIError.unprocessable("give exactly one of percentOff, amountOff and price", field: "percentOff") }
            return kinds[0]
        }
    }

    static func create(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (_, store) = try EventsController.ownedVenue(request, &context)
        let body = try request.decode(CreateBody.self)
        let draft = VoucherDraft(
            code: body.code, discount: try body.discount(), sections: body.sections ?? [], maxUses: body.maxUses,
            maxUsesPerCustomer: body.maxUsesPerCustomer, validFrom: body.validFrom.map(EventsController.seconds),
            validUntil: body.validUntil.map(EventsController.seconds))
        let voucher = try store.createVoucher(eventID: context.parameter("eventId"), draft: draft, now: context.services.now())
        return try .json(["voucher": VoucherView(voucher)], status: .created)
    }

    static func list(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (_, store) = try EventsController.ownedVenue(request, &context)
        let vouchers = try store.vouchers(eventID: context.parameter("eventId"), now: context.services.now())
        return try .json(["vouchers": vouchers.map(VoucherView.init)])
    }

    static func delete(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (_, store) = try EventsController.ownedVenue(request, &context)
        try store.deleteVoucher(eventID: context.parameter("eventId"), code: context.parameter("code"), now: context.services.now())
        return .empty()
    }
}
