struct Order {
    id: u32,
}

fn main() {
    let order = Order { id: 1 };
    ttlog::info!("placed", order = order);
    let _ = order.id;
}
